/**
 * `hearth publish`: every chart version goes to the registry once, immutably.
 *
 * 1. Package every chart reproducibly (archive.ts) into a temporary folder.
 * 2. Ask the registry (through helm) for each version. Same archive digest → skipped. A different
 *    archive under the same version → refused: ALL conflicts are reported and nothing is pushed.
 * 3. Push the missing versions with `helm push`. A push that fails on the network or with a 5xx
 *    is retried (bounded, with backoff) — but first the registry is asked again, because a push
 *    interrupted after the manifest was stored has in fact succeeded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartArchives, writeArchive, type ChartArchive } from './archive';
import { classifyFailure, HelmRegistry, type RemoteVersion } from './registry-helm';
import { ProvenanceSigner, type SigningKey } from './registry-provenance';
import { RegistryError, type OciTarget } from './registry-target';
import type { HelmMajor } from './helm';

export interface RetryPolicy {
  /** Push attempts per version, the first included. @default 4 */
  readonly attempts: number;
  /** Wait before the first retry; doubles each time. @default 1000 */
  readonly delayMs: number;
}

export interface PublishOptions {
  readonly target: OciTarget;
  /** Folder holding one chart folder per package (charts-out). */
  readonly chartsDir: string;
  /** Only these charts. @default every chart in chartsDir */
  readonly only?: readonly string[];
  /** @default false */
  readonly plainHttp?: boolean;
  /**
   * Log in with these before anything else, into an isolated registry config that is deleted
   * afterwards.
   * @default none: helm's own registry config and docker's config.json apply
   */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Sign each pushed version (a `.prov` provenance layer). @default unsigned */
  readonly sign?: SigningKey;
  /** @default 4 when available, else 3 */
  readonly helmMajor?: HelmMajor;
  /** Environment for helm (tests point HELM_REGISTRY_CONFIG and DOCKER_CONFIG at temp files). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default { attempts: 4, delayMs: 1000 } */
  readonly retry?: RetryPolicy;
  /** Progress and retry notes (one line each). @default stderr */
  readonly log?: (line: string) => void;
}

export type PublishStatus = 'pushed' | 'skipped';

export interface PublishedVersion {
  readonly name: string;
  readonly version: string;
  /** Manifest digest in the registry. */
  readonly digest: string;
  /** Hex sha256 of the archive (the content layer). */
  readonly archiveSha256: string;
  readonly status: PublishStatus;
  /** Push attempts made (0 when skipped). */
  readonly attempts: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, delayMs: 1000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function conflictMessage(archive: ChartArchive, remote: RemoteVersion, target: OciTarget): string {
  return (
    `${archive.name} ${archive.version} is already in ${target.url} with different content ` +
    `(registry archive sha256:${remote.archiveSha256}, manifest ${remote.manifestDigest}; local archive sha256:${archive.sha256}): ` +
    `published versions are immutable, bump the version of ${archive.name}`
  );
}

export async function publishCharts(options: PublishOptions): Promise<PublishedVersion[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const retry = options.retry ?? DEFAULT_RETRY;
  const work = mkdtempSync(join(tmpdir(), 'hearth-publish-'));
  const signer = options.sign ? new ProvenanceSigner(options.sign) : undefined;
  try {
    const archives = await chartArchives(options.chartsDir, options.only ?? []);
    const env = { ...(options.env ?? process.env) };
    if (options.credentials) env.HELM_REGISTRY_CONFIG = join(work, 'registry-config.json');
    const registry = new HelmRegistry(options.target, { plainHttp: options.plainHttp ?? false, helmMajor: options.helmMajor, env });
    if (options.credentials) await registry.login(options.credentials.username, options.credentials.password);

    // Reads are retried on transient failures too; an unreachable registry fails at once.
    const lookup = async (archive: ChartArchive, action: string) => {
      for (let attempt = 1; ; attempt++) {
        const { found, failure } = await registry.lookup(archive.name, archive.version);
        if (!failure) return found;
        if (classifyFailure(failure.stderr) !== 'transient' || attempt >= retry.attempts) throw registry.explain(action, failure);
        await sleep(retry.delayMs * 2 ** (attempt - 1));
      }
    };

    // Phase 1: what is there already. Conflicts are collected so the message lists them all.
    const remote = new Map<ChartArchive, RemoteVersion | undefined>();
    for (const archive of archives) remote.set(archive, await lookup(archive, `reading ${archive.name} ${archive.version}`));
    const conflicts = archives.filter((a) => remote.get(a) && remote.get(a)!.archiveSha256 !== a.sha256);
    if (conflicts.length) throw new RegistryError(conflicts.map((a) => conflictMessage(a, remote.get(a)!, options.target)).join('; '));

    // Phase 2: push what is missing.
    const results: PublishedVersion[] = [];
    for (const archive of archives) {
      const existing = remote.get(archive);
      if (existing) {
        results.push({ name: archive.name, version: archive.version, digest: existing.manifestDigest, archiveSha256: archive.sha256, status: 'skipped', attempts: 0 });
        continue;
      }
      const written = writeArchive(work, archive);
      if (signer) writeFileSync(`${written.path}.prov`, await signer.sign(archive));
      results.push(await pushWithRetry(registry, archive, written.path, retry, log, lookup));
    }
    return results;
  } finally {
    await signer?.close();
    // The isolated registry config holds the password: it goes with the work folder.
    rmSync(work, { recursive: true, force: true });
  }
}

async function pushWithRetry(
  registry: HelmRegistry,
  archive: ChartArchive,
  path: string,
  retry: RetryPolicy,
  log: (line: string) => void,
  lookup: (archive: ChartArchive, action: string) => Promise<RemoteVersion | undefined>,
): Promise<PublishedVersion> {
  const done = (digest: string, attempts: number): PublishedVersion => ({ name: archive.name, version: archive.version, digest, archiveSha256: archive.sha256, status: 'pushed', attempts });
  for (let attempt = 1; ; attempt++) {
    const pushed = await registry.push(path);
    if (pushed.manifestDigest) return done(pushed.manifestDigest, attempt);
    const failure = pushed.failure!;
    const kind = classifyFailure(failure.stderr);
    const retryable = kind === 'transient' || kind === 'unreachable';
    if (!retryable || attempt >= retry.attempts) {
      const error = registry.explain(`pushing ${archive.name} ${archive.version}`, failure);
      throw retryable ? new RegistryError(`${error.message} (gave up after ${attempt} attempts)`) : error;
    }
    const wait = retry.delayMs * 2 ** (attempt - 1);
    log(`push of ${archive.name} ${archive.version} interrupted (${kind}); checking the registry, then retrying in ${wait} ms (attempt ${attempt + 1} of ${retry.attempts})`);
    await sleep(wait);
    // The interrupted push may have stored everything before the connection broke.
    const now = await lookup(archive, `re-reading ${archive.name} ${archive.version} after an interrupted push`).catch(() => undefined);
    if (now?.archiveSha256 === archive.sha256) {
      log(`${archive.name} ${archive.version} reached the registry before the interruption; not pushing again`);
      return done(now.manifestDigest, attempt);
    }
    if (now) throw new RegistryError(conflictMessage(archive, now, registry.target));
  }
}

/** The result table: package, version, manifest digest, pushed/skipped. */
export function formatPublishTable(rows: readonly PublishedVersion[]): string {
  const header = ['PACKAGE', 'VERSION', 'DIGEST', 'STATUS'];
  const cells = rows.map((r) => [r.name, r.version, r.digest, r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}
