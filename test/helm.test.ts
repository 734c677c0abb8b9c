/**
 * The generated charts as Helm sees them: strict lint, release scoping, schema enforcement, and
 * `hearth render` rejecting bad values at the same path as helm.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHelm } from '../scripts/lib/helm';
import { PROJECT_ROOT } from '../scripts/lib/catalog';
import { HELM_MAJORS, helmTemplate, packagesUnderTest, parseManifest, tempDir, writeTree } from './support/charts';

const packages = await packagesUnderTest();
const LONG_RELEASE = `${'a'.repeat(40)}-${'b'.repeat(12)}`; // 53 characters, Helm's maximum
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function hearth(args: readonly string[]) {
  return spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js'), ...args], { encoding: 'utf8' });
}

/** Turns Helm 4's JSON-pointer paths (`/a/b`) and Helm 3's dotted ones into one comparable form. */
function mentionsPath(message: string, path: string): boolean {
  const pointer = `/${path.split('.').join('/')}`;
  return message.includes(path) || message.includes(pointer) || message.includes(`'${path.split('.').pop()}'`);
}

describe.each(packages.map((p) => [p.compiled.pkg.name, p] as const))('%s chart', (_name, built) => {
  it.each(HELM_MAJORS)('passes helm %i lint --strict', async (major) => {
    const r = await runHelm(major, ['lint', '--strict', built.chartDir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('0 chart(s) failed');
  });

  it.each(HELM_MAJORS)('gives two releases in one namespace disjoint object names on helm %i', async (major) => {
    const a = await helmTemplate(major, built.chartDir, {}, 'a', 'shared');
    const b = await helmTemplate(major, built.chartDir, {}, 'b', 'shared');
    if (!a.ok || !b.ok) throw new Error(`helm template failed: ${a.ok ? '' : a.error} ${b.ok ? '' : b.error}`);
    const ids = (objects: Record<string, unknown>[]) => new Set(objects.map((o) => `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`));
    const overlap = [...ids(a.objects)].filter((id) => ids(b.objects).has(id));
    expect(a.objects.length).toBeGreaterThan(0);
    expect(overlap).toEqual([]);
  });

  it.each(HELM_MAJORS)('keeps every name a DNS-1123 label of at most 63 characters for a 53-character release on helm %i', async (major) => {
    const r = await helmTemplate(major, built.chartDir, {}, LONG_RELEASE, 'default');
    if (!r.ok) throw new Error(r.error);
    for (const o of r.objects) {
      const name = (o.metadata as { name: string }).name;
      expect(name.length, name).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS_1123);
    }
  });

  it.each(HELM_MAJORS)('puts every object in the release namespace on helm %i', async (major) => {
    const r = await helmTemplate(major, built.chartDir, {}, 'ns-check', 'tenant-x');
    if (!r.ok) throw new Error(r.error);
    for (const o of r.objects) expect((o.metadata as { namespace?: string }).namespace).toBe('tenant-x');
  });

  it.each(HELM_MAJORS)('refuses an unknown top-level key on helm %i, naming it', async (major) => {
    const r = await runHelm(major, ['template', 'r', built.chartDir, '--set', 'surelyNotAKey=3']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('surelyNotAKey');
  });
});

const redis = packages.find((p) => p.compiled.pkg.name === 'redis')!;

describe('redis values as Helm enforces them', () => {
  it.each(HELM_MAJORS)('rejects replicas=notanumber on helm %i, naming replicas', async (major) => {
    const r = await runHelm(major, ['template', 'r', redis.chartDir, '--set', 'replicas=notanumber']);
    expect(r.code).not.toBe(0);
    expect(mentionsPath(r.stderr, 'replicas'), r.stderr).toBe(true);
  });

  it.each(HELM_MAJORS)('rejects the misspelt key replcias on helm %i', async (major) => {
    const r = await runHelm(major, ['template', 'r', redis.chartDir, '--set', 'replcias=3']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('replcias');
  });

  it.each(HELM_MAJORS)('rejects a version outside the enum on helm %i', async (major) => {
    const r = await runHelm(major, ['template', 'r', redis.chartDir, '--set', 'version=v6']);
    expect(r.code).not.toBe(0);
    expect(mentionsPath(r.stderr, 'version'), r.stderr).toBe(true);
  });

  it.each(HELM_MAJORS)('rejects a size that is not a quantity on helm %i', async (major) => {
    const r = await runHelm(major, ['template', 'r', redis.chartDir, '--set', 'size=10GB']);
    expect(r.code).not.toBe(0);
    expect(mentionsPath(r.stderr, 'size'), r.stderr).toBe(true);
  });

  it.each(HELM_MAJORS)('renders the external LoadBalancer and drops the password Secret when asked on helm %i', async (major) => {
    const r = await helmTemplate(major, redis.chartDir, { external: true, authEnabled: false }, 'r');
    if (!r.ok) throw new Error(r.error);
    const kinds = r.objects.map((o) => o.kind);
    expect(kinds).toContain('Service');
    expect(kinds).not.toContain('Secret');
    const failover = r.objects.find((o) => o.kind === 'RedisFailover') as { spec: Record<string, unknown> };
    expect(failover.spec.auth).toBeUndefined();
  });

  it.each(HELM_MAJORS)('keeps a string value "<no value>" that Helm would otherwise delete, on helm %i', async (major) => {
    const r = await helmTemplate(major, redis.chartDir, { storageClass: '<no value>' }, 'r');
    if (!r.ok) throw new Error(r.error);
    const failover = r.objects.find((o) => o.kind === 'RedisFailover') as { spec: { redis: { storage: { persistentVolumeClaim: { spec: { storageClassName: string } } } } } };
    expect(failover.spec.redis.storage.persistentVolumeClaim.spec.storageClassName).toBe('<no value>');
  });
});

describe('hearth render', () => {
  it('rejects replicas=notanumber naming replicas, in one line without a stack trace', () => {
    const r = hearth(['render', 'redis', '--set', 'replicas=notanumber']);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/replicas: must be integer \(got "notanumber"\)/);
    expect(r.stderr).not.toMatch(/\s+at .*\.js:\d+/);
  });

  it('rejects the misspelt key replcias and lists the allowed keys', () => {
    const r = hearth(['render', 'redis', '--set', 'replcias=3']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/replcias: unknown key; allowed keys here: replicas,/);
  });

  it('reads -f values files as Helm does and prints what helm template prints', async () => {
    const dir = tempDir();
    writeTree(dir, { 'v.yaml': 'replicas: 3\nexternal: true\nauthEnabled: false\n' });
    const r = hearth(['render', 'redis', '-f', join(dir, 'v.yaml'), '--release', 'cli', '--namespace', 'ns1']);
    expect(r.status, r.stderr).toBe(0);
    const helm = await helmTemplate(4, redis.chartDir, { replicas: 3, external: true, authEnabled: false }, 'cli', 'ns1');
    if (!helm.ok) throw new Error(helm.error);
    const sortKey = (o: Record<string, unknown>) => `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`;
    const sort = (xs: Record<string, unknown>[]) => [...xs].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
    expect(sort(parseManifest(r.stdout))).toEqual(sort(helm.objects));
  });

  it('names an unknown package and lists the available ones', () => {
    const r = hearth(['render', 'nosuch']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no package 'nosuch' in the catalog; available: .*redis/);
  });
});
