/**
 * `hearth publish` against a real registry (Debian's docker-registry, started per suite on
 * 127.0.0.1 with a temporary storage folder), once over plain http and once behind htpasswd
 * (bcrypt) auth. helm pushes and pulls; nothing here speaks the registry protocol except plain
 * manifest reads used to check what the registry holds.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../scripts/lib/catalog';
import { runHelm } from '../scripts/lib/helm';
import { chartArchive, chartFolders, readChartFolder, writeArchive } from '../scripts/lib/archive';
import { formatPublishTable, publishCharts, type PublishOptions } from '../scripts/lib/publish';
import { parseOciTarget, RegistryError, versionTag } from '../scripts/lib/registry-target';
import { HELM_MAJORS, parseManifest, tempDir, writeTree } from './support/charts';
import {
  freePort,
  gpgBinary,
  isolatedHelmEnv,
  readManifest,
  registryBinary,
  registrySkipNote,
  startInterruptingProxy,
  startRegistry,
  type RunningRegistry,
} from './support/registry';

// Say why in the default reporter too, not only in the skipped suites' names.
if (!registryBinary) console.warn(`oci.test.ts:${registrySkipNote}`);

const CHARTS = join(PROJECT_ROOT, 'charts-out');
/** Every chart in charts-out, as `hearth publish` sees it. */
const charts = chartFolders(CHARTS).map((dir) => readChartFolder(dir));
const first = charts[0];
const FAST_RETRY = { attempts: 3, delayMs: 50 };
const SHA256 = /^sha256:[0-9a-f]{64}$/;

function hearth(args: readonly string[], env: NodeJS.ProcessEnv, input = '') {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js'), ...args], { encoding: 'utf8', env, input });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of the registry's storage with its digest: "unchanged" means this map is equal. */
function storageSnapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return out;
}

describe('publish target addresses', () => {
  it('accepts oci://HOST[:PORT]/NAMESPACE and keeps nested namespaces', () => {
    expect(parseOciTarget('oci://127.0.0.1:5000/hearth')).toEqual({ host: '127.0.0.1:5000', namespace: 'hearth', url: 'oci://127.0.0.1:5000/hearth' });
    expect(parseOciTarget('oci://registry.local/team/charts/').namespace).toBe('team/charts');
  });

  it.each([
    ['http://x', /http:\/\/ is not an OCI registry address; expected oci:\/\/HOST\[:PORT\]\/NAMESPACE/],
    ['127.0.0.1:5000/hearth', /no oci:\/\/ scheme; expected oci:\/\/HOST/],
    ['oci://127.0.0.1:5000', /no namespace after the host; expected/],
    ['oci://127.0.0.1:5000/Hearth', /"Hearth" is not a repository path component/],
    ['oci://127.0.0.1:5000/hearth/redis:1.0.0', /a tag or digest does not belong/],
    ['oci://bad_host!/hearth', /is not a host name/],
  ])('rejects %s in one line saying the expected form', (text, message) => {
    expect(() => parseOciTarget(text)).toThrow(RegistryError);
    expect(() => parseOciTarget(text)).toThrow(message);
  });

  it('tags a version with build metadata the way helm does (+ becomes _)', () => {
    expect(versionTag('1.2.3+build.5')).toBe('1.2.3_build.5');
  });

  it('prints the result as a table of package, version, digest and status', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const table = formatPublishTable([
      { name: 'redis', version: '0.1.0', digest, archiveSha256: 'b', status: 'pushed', attempts: 1 },
      { name: 'postgres', version: '1.10.0', digest, archiveSha256: 'c', status: 'skipped', attempts: 0 },
    ]);
    expect(table.split('\n')).toEqual([
      `PACKAGE   VERSION  DIGEST${' '.repeat(digest.length - 6)}  STATUS`,
      `redis     0.1.0    ${digest}  pushed`,
      `postgres  1.10.0   ${digest}  skipped`,
    ]);
  });
});

describe.skipIf(!registryBinary)(`hearth publish to a real docker-registry over plain http${registrySkipNote}`, () => {
  let registry: RunningRegistry;
  const env = isolatedHelmEnv();
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  const publish = (namespace: string, options: Partial<PublishOptions> = {}) =>
    publishCharts({ target: parseOciTarget(registry.url(namespace)), chartsDir: CHARTS, plainHttp: true, env, retry: FAST_RETRY, log: () => {}, ...options });

  it('pushes every chart in charts-out, then skips every version on the second run with unchanged digests', async () => {
    const firstRun = await publish('hearth');
    expect(firstRun.map((r) => [r.name, r.version, r.status])).toEqual(charts.map((c) => [c.name, c.version, 'pushed']));
    for (const r of firstRun) expect(r.digest).toMatch(SHA256);
    const secondRun = await publish('hearth');
    expect(secondRun.map((r) => r.status)).toEqual(charts.map(() => 'skipped'));
    expect(secondRun.map((r) => r.digest)).toEqual(firstRun.map((r) => r.digest));
    for (const r of firstRun) {
      const stored = await readManifest(registry, `hearth/${r.name}`, versionTag(r.version));
      expect(stored.digest).toBe(r.digest);
      expect(stored.manifest?.layers.find((l) => l.mediaType === 'application/vnd.cncf.helm.chart.content.v1.tar+gzip')?.digest).toBe(`sha256:${r.archiveSha256}`);
      // The created annotation comes from the archive file's mtime, which hearth pins to the epoch.
      expect(stored.manifest?.annotations?.['org.opencontainers.image.created']).toBe('1970-01-01T00:00:00Z');
    }
  });

  it('gets the same manifest digest whenever helm 3 or helm 4 pushes the same archive again', async () => {
    const archive = await chartArchive(first);
    const file = writeArchive(tempDir('hearth-repush-'), archive);
    const digests: string[] = [];
    for (const major of [...HELM_MAJORS, ...HELM_MAJORS]) {
      const r = await runHelm(major, ['push', file.path, registry.url('repush'), '--plain-http'], { env });
      expect(r.code, r.stderr).toBe(0);
      digests.push(/Digest:\s*(sha256:[0-9a-f]{64})/.exec(r.stdout + r.stderr)![1]);
    }
    expect(new Set(digests).size).toBe(1);
    const [published] = await publish('repush-via-hearth', { only: [first.name] });
    expect(published.digest).toBe(digests[0]);
  });

  it.each(HELM_MAJORS)('lets helm %i pull every published chart, byte-identical to hearth package', async (major) => {
    await publish('pull');
    for (const chart of charts) {
      const dir = tempDir('hearth-pulled-');
      const r = await runHelm(major, ['pull', `${registry.url('pull')}/${chart.name}`, '--version', chart.version, '--plain-http', '--destination', dir], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, `${chart.name}-${chart.version}.tgz`)).equals((await chartArchive(chart)).bytes)).toBe(true);
    }
  });

  it('renders every published chart from oci:// with helm 4 install --dry-run=client and helm 3 template', async () => {
    await publish('install');
    for (const chart of charts) {
      const ref = `${registry.url('install')}/${chart.name}`;
      // Helm 3.17's install --dry-run=client still wants a reachable cluster; its template is the offline twin.
      const commands: [3 | 4, string[]][] = [
        [4, ['install', 'tenant', ref, '--version', chart.version, '--plain-http', '--dry-run=client', '--namespace', 'oci']],
        [3, ['template', 'tenant', ref, '--version', chart.version, '--plain-http', '--namespace', 'oci']],
      ];
      for (const [major, args] of commands) {
        const r = await runHelm(major, args, { env });
        expect(r.code, `helm ${major} ${chart.name}: ${r.stderr}`).toBe(0);
        const manifest = major === 4 ? r.stdout.slice(r.stdout.indexOf('MANIFEST:') + 'MANIFEST:'.length, r.stdout.includes('NOTES:') ? r.stdout.indexOf('NOTES:') : undefined) : r.stdout;
        const objects = parseManifest(manifest);
        expect(objects.length, `helm ${major} ${chart.name}`).toBeGreaterThan(0);
        for (const o of objects) expect((o.metadata as { namespace?: string }).namespace).toBe('oci');
      }
    }
  });

  it('refuses to overwrite a version with different content, naming package, version and both digests, and changes nothing', async () => {
    const before = await publish('immutable');
    const changed = tempDir('hearth-changed-');
    cpSync(CHARTS, changed, { recursive: true });
    writeFileSync(join(changed, first.name, 'values.yaml'), `${readFileSync(join(CHARTS, first.name, 'values.yaml'), 'utf8')}# changed without a version bump\n`);
    // A brand-new chart next to the conflict: refused publishes push nothing at all.
    writeTree(join(changed, 'fresh-chart'), { 'Chart.yaml': 'apiVersion: v2\nname: fresh-chart\nversion: 1.0.0\n' });
    const storage = storageSnapshot(registry.storage);
    const changedSha = (await chartArchive(readChartFolder(join(changed, first.name)))).sha256;
    const original = before.find((r) => r.name === first.name)!;

    const error = await publish('immutable', { chartsDir: changed }).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error!.message).toContain(`${first.name} ${first.version} is already in ${registry.url('immutable')} with different content`);
    expect(error!.message).toContain(`sha256:${original.archiveSha256}`);
    expect(error!.message).toContain(`sha256:${changedSha}`);
    expect(error!.message).not.toContain('\n');
    expect(storageSnapshot(registry.storage)).toEqual(storage);
    expect((await readManifest(registry, `immutable/${first.name}`, versionTag(first.version))).digest).toBe(original.digest);
    expect((await readManifest(registry, 'immutable/fresh-chart', '1.0.0')).status).toBe(404);

    const cli = hearth(['publish', registry.url('immutable'), '--plain-http', '--charts', changed], env);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toMatch(/^hearth: .* is already in .* with different content/);
    expect(storageSnapshot(registry.storage)).toEqual(storage);
  });

  it('retries a push whose connection broke before the manifest was stored, after re-reading the registry', async () => {
    const proxy = await startInterruptingProxy(registry, (req) => (req.method === 'PUT' && req.url!.includes('/manifests/') ? 'before' : undefined));
    try {
      const log: string[] = [];
      const [result] = await publishCharts({
        target: parseOciTarget(`oci://${proxy.host}/retry`),
        chartsDir: CHARTS,
        only: [first.name],
        plainHttp: true,
        env,
        retry: FAST_RETRY,
        log: (line) => {
          log.push(line);
          proxy.heal();
        },
      });
      expect(proxy.broken).toBeGreaterThanOrEqual(1);
      expect(log.join('\n')).toMatch(new RegExp(`push of ${first.name} ${first.version} interrupted \\(transient\\); checking the registry`));
      expect(result).toMatchObject({ name: first.name, status: 'pushed', attempts: 2 });
      const stored = await readManifest(registry, `retry/${first.name}`, versionTag(first.version));
      expect(stored.digest).toBe(result.digest);
    } finally {
      await proxy.stop();
    }
  });

  it('notices a push whose answer was lost after the registry stored it, and does not push again', async () => {
    const tagPut = new RegExp(`/manifests/${versionTag(first.version).replace(/\./g, '\\.')}$`);
    const proxy = await startInterruptingProxy(registry, (req) => (req.method === 'PUT' && tagPut.test(req.url!) ? 'after' : undefined));
    try {
      const log: string[] = [];
      const [result] = await publishCharts({
        target: parseOciTarget(`oci://${proxy.host}/lost-answer`),
        chartsDir: CHARTS,
        only: [first.name],
        plainHttp: true,
        env,
        retry: FAST_RETRY,
        log: (line) => log.push(line),
      });
      expect(proxy.broken).toBe(1);
      expect(log.join('\n')).toContain('reached the registry before the interruption; not pushing again');
      expect(result).toMatchObject({ status: 'pushed', attempts: 1 });
      expect((await readManifest(registry, `lost-answer/${first.name}`, versionTag(first.version))).digest).toBe(result.digest);
    } finally {
      await proxy.stop();
    }
  });

  it('retries a registry read whose connection broke instead of failing the publish', async () => {
    let reads = 0;
    const proxy = await startInterruptingProxy(registry, (req) => (req.method === 'GET' && req.url!.includes('/manifests/') && reads++ === 0 ? 'before' : undefined));
    try {
      const [result] = await publishCharts({ target: parseOciTarget(`oci://${proxy.host}/read-retry`), chartsDir: CHARTS, only: [first.name], plainHttp: true, env, retry: FAST_RETRY, log: () => {} });
      expect(proxy.broken).toBe(1);
      expect(result).toMatchObject({ status: 'pushed', attempts: 1 });
    } finally {
      await proxy.stop();
    }
  });

  it('gives up after the bounded number of attempts with one line', async () => {
    const proxy = await startInterruptingProxy(registry, (req) => (req.method === 'PUT' && req.url!.includes('/manifests/') ? 'before' : undefined));
    try {
      const options = { target: parseOciTarget(`oci://${proxy.host}/give-up`), chartsDir: CHARTS, only: [first.name], plainHttp: true, env, retry: { attempts: 2, delayMs: 10 }, log: () => {} };
      await expect(publishCharts(options)).rejects.toThrow(/pushing .* failed: .*EOF.* \(gave up after 2 attempts\)$/);
      expect(proxy.broken).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.stop();
    }
  });

  it('prints the table from the CLI, and reports an unreachable registry or a missing --plain-http in one line', async () => {
    const ok = hearth(['publish', registry.url('cli'), '--plain-http'], env);
    expect(ok.code, ok.stderr).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PACKAGE\s+VERSION\s+DIGEST\s+STATUS$/);
    for (const chart of charts) expect(ok.stdout).toMatch(new RegExp(`^${chart.name}\\s+${chart.version.replace(/\./g, '\\.')}\\s+sha256:[0-9a-f]{64}\\s+pushed$`, 'm'));

    const closed = await freePort();
    const unreachable = hearth(['publish', `oci://127.0.0.1:${closed}/hearth`, '--plain-http'], env);
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toContain(`registry 127.0.0.1:${closed} is unreachable`);

    const https = hearth(['publish', registry.url('cli')], env);
    expect(https.code).not.toBe(0);
    expect(https.stderr.trim().split('\n')).toHaveLength(1);
    expect(https.stderr).toContain('speaks plain http');
    expect(https.stderr).toContain('add --plain-http');

    const bad = hearth(['publish', 'http://x'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim()).toBe('hearth: registry "http://x": http:// is not an OCI registry address; expected oci://HOST[:PORT]/NAMESPACE (for example oci://127.0.0.1:5000/hearth)');
  });

  describe.skipIf(!gpgBinary)(`--sign${gpgBinary ? '' : ' (skipped: gpg not found; apt-get install gnupg)'}`, () => {
    const home = tempDir('hearth-gnupg-test-');
    afterAll(() => {
      spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
    });

    it('pushes a provenance layer that helm 3 and helm 4 verify on pull', async () => {
      const gpgEnv = { ...process.env, GNUPGHOME: home };
      // RSA: Helm 3 cannot read ed25519 keys.
      const gen = spawnSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'hearth test signer <signer@hearth.invalid>', 'rsa2048', 'sign', 'never'], { env: gpgEnv, encoding: 'utf8' });
      expect(gen.status, gen.stderr).toBe(0);
      const publicRing = join(home, 'public.gpg');
      const secretRing = join(home, 'secret.gpg');
      writeFileSync(publicRing, spawnSync('gpg', ['--export', 'signer@hearth.invalid'], { env: gpgEnv }).stdout);
      writeFileSync(secretRing, spawnSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--export-secret-keys', 'signer@hearth.invalid'], { env: gpgEnv }).stdout);

      const [result] = await publish('signed', { only: [first.name], sign: { key: 'signer@hearth.invalid', keyring: secretRing } });
      expect(result.status).toBe('pushed');
      const stored = await readManifest(registry, `signed/${first.name}`, versionTag(first.version));
      expect(stored.manifest?.layers.map((l) => l.mediaType).sort()).toEqual(['application/vnd.cncf.helm.chart.content.v1.tar+gzip', 'application/vnd.cncf.helm.chart.provenance.v1.prov']);
      for (const major of HELM_MAJORS) {
        const dir = tempDir('hearth-verified-');
        const r = await runHelm(major, ['pull', `${registry.url('signed')}/${first.name}`, '--version', first.version, '--plain-http', '--verify', '--keyring', publicRing, '--destination', dir], { env });
        expect(r.code, `helm ${major}: ${r.stderr}`).toBe(0);
        expect(r.stdout + r.stderr).toContain(`Chart Hash Verified: sha256:${result.archiveSha256}`);
        const verify = await runHelm(major, ['verify', join(dir, `${first.name}-${first.version}.tgz`), '--keyring', publicRing], { env });
        expect(verify.code, verify.stderr).toBe(0);
        expect(verify.stdout).toContain('Signed by: hearth test signer');
      }
      // Signing does not change the chart: the same content is skipped, not re-signed.
      const [again] = await publish('signed', { only: [first.name], sign: { key: 'signer@hearth.invalid', keyring: secretRing } });
      expect(again).toMatchObject({ status: 'skipped', digest: result.digest });
    });

    it('names a key gpg does not have in one line', async () => {
      await expect(publish('signed-missing', { only: [first.name], sign: { key: 'nobody@hearth.invalid', env: { ...process.env, GNUPGHOME: home } } })).rejects.toThrow(
        `cannot sign ${first.name}-${first.version}.tgz: gpg has no usable secret key "nobody@hearth.invalid"`,
      );
    });
  });
});

describe.skipIf(!registryBinary)(`hearth publish to a docker-registry with htpasswd (bcrypt) auth${registrySkipNote}`, () => {
  const credentials = { username: 'publisher', password: 'correct horse battery staple' };
  let registry: RunningRegistry;
  const env = isolatedHelmEnv();
  beforeAll(async () => {
    registry = await startRegistry({ auth: credentials });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('publishes with --username and --password-stdin, then skips every version with unchanged digests', () => {
    const args = ['publish', registry.url('hearth'), '--plain-http', '--username', credentials.username, '--password-stdin'];
    const firstRun = hearth(args, env, `${credentials.password}\n`);
    expect(firstRun.code, firstRun.stderr).toBe(0);
    const secondRun = hearth(args, env, `${credentials.password}\n`);
    expect(secondRun.code, secondRun.stderr).toBe(0);
    const rows = (out: string) => out.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
    expect(rows(firstRun.stdout).map((r) => r[3])).toEqual(charts.map(() => 'pushed'));
    expect(rows(secondRun.stdout).map((r) => r[3])).toEqual(charts.map(() => 'skipped'));
    expect(rows(secondRun.stdout).map((r) => r[2])).toEqual(rows(firstRun.stdout).map((r) => r[2]));
  });

  it('keeps the login out of the registry config helm would otherwise use', async () => {
    await publishCharts({ target: parseOciTarget(registry.url('isolated')), chartsDir: CHARTS, only: [first.name], plainHttp: true, credentials, env, log: () => {} });
    expect(existsSync(env.HELM_REGISTRY_CONFIG!)).toBe(false);
  });

  it('refuses a wrong password in one line and stores nothing', async () => {
    const storage = storageSnapshot(registry.storage);
    const r = hearth(['publish', registry.url('wrong'), '--plain-http', '--username', credentials.username, '--password-stdin'], env, 'not the password\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(`hearth: registry ${registry.host} refused the credentials of user "${credentials.username}" (wrong user name or password)`);
    expect(storageSnapshot(registry.storage)).toEqual(storage);
  });

  it('refuses an anonymous publish as not authorised, saying how to log in', () => {
    const r = hearth(['publish', registry.url('anonymous'), '--plain-http'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`registry ${registry.host} refused reading`);
    expect(r.stderr).toContain('--username U --password-stdin');
  });

  it.each(HELM_MAJORS)('serves the published charts to helm %i after helm registry login', async (major) => {
    await publishCharts({ target: parseOciTarget(registry.url('served')), chartsDir: CHARTS, plainHttp: true, credentials, env, log: () => {} });
    const own = { ...env, HELM_REGISTRY_CONFIG: join(tempDir('hearth-login-'), 'config.json') };
    const login = await runHelm(major, ['registry', 'login', registry.host, '--username', credentials.username, '--password-stdin', major === 3 ? '--insecure' : '--plain-http'], { env: own, input: credentials.password });
    expect(login.code, login.stderr).toBe(0);
    for (const chart of charts) {
      const dir = tempDir('hearth-auth-pull-');
      const r = await runHelm(major, ['pull', `${registry.url('served')}/${chart.name}`, '--version', chart.version, '--plain-http', '--destination', dir], { env: own });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, `${chart.name}-${chart.version}.tgz`)).equals((await chartArchive(chart)).bytes)).toBe(true);
    }
  });

  it('rejects --username without --password-stdin: passwords never go on the command line', () => {
    const r = hearth(['publish', registry.url('hearth'), '--plain-http', '--username', credentials.username], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('hearth: --username needs --password-stdin (passwords never go on the command line)');
  });
});
