/**
 * Flux output: an OCIRepository and a HelmRelease per package, valid against the upstream Flux
 * CRDs, pinned, data-safe for stateful packages, in dependency order, and refusing bad values.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../scripts/lib/manifest';
import { compilePackage, type CompiledPackage } from '../constructs/compiler/compile';
import { definePackage, type PackageDefinition } from '../constructs/package';
import { ValuesError } from '../constructs/values/validate';
import { crdDirectory, validateObjects } from '../constructs/validation/objects';
import { loadCatalog, PROJECT_ROOT } from '../scripts/lib/catalog';
import {
  FluxError,
  fluxObjects,
  fluxObjectsOf,
  fluxYaml,
  HELM_CHART_LAYER,
  inDependencyOrder,
  parseDigests,
  parseRegistry,
  parseValuesReference,
  type FluxOptions,
} from '../scripts/lib/flux';
import { isStateful } from '../scripts/lib/stateful';
import kitchenSink from './fixtures/kitchen-sink/package';
import { tempDir } from './support/charts';
import { versionedDefinition } from './support/versioned-package';

type Json = Record<string, any>;

const crds = crdDirectory();
const REGISTRY = 'oci://localhost:5000/hearth';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const options: FluxOptions = { registry: REGISTRY, namespace: 'tenant-a' };

const [redisLoaded] = await loadCatalog(undefined, ['redis']);
const redis = compilePackage(redisLoaded.pkg);
const stateless = compilePackage(kitchenSink);
const stateful = compilePackage(versionedDefinition());

/** A variant of the kitchen-sink fixture with another name, kind and dependencies. */
function variant(name: string, kind: PackageDefinition['kind'], dependsOn: string[] = []): CompiledPackage {
  return compilePackage(definePackage({ ...(kitchenSink as unknown as PackageDefinition), name, kind, dependsOn }));
}

function pair(compiled: CompiledPackage, extra: Partial<FluxOptions> = {}, values: Json = {}) {
  const [source, release] = fluxObjectsOf({ compiled, values }, { ...options, ...extra }) as Json[];
  return { source, release };
}

describe('flux objects', () => {
  it.skipIf(!crds.exists)('validate against the upstream Flux CRDs, with every option in use', () => {
    const objects = [
      ...fluxObjectsOf(
        { compiled: redis, values: { replicas: 3 }, valuesFrom: [parseValuesReference('Secret/redis-values:values.yaml'), parseValuesReference('ConfigMap/defaults')] },
        { ...options, digests: { redis: DIGEST }, verify: { provider: 'cosign', secretRef: 'cosign-keys' }, insecure: true, pullSecret: 'registry-auth', serviceAccount: 'tenant-a', dependsOnNamespace: 'flux-system', interval: '5m' },
      ),
      ...fluxObjects([{ compiled: stateless }, { compiled: variant('net', 'platform') }, { compiled: variant('db-operator', 'operator', ['net']) }], options),
    ];
    const report = validateObjects(objects);
    expect(report.problems).toEqual([]);
    expect(report.unvalidated).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(['OCIRepository', 'HelmRelease', 'OCIRepository', 'HelmRelease', 'OCIRepository', 'HelmRelease', 'OCIRepository', 'HelmRelease']);
  });

  it('points the OCIRepository at <registry>/<package>, pinned to the exact version, selecting the Helm chart layer', () => {
    const { source } = pair(redis);
    expect(source.metadata).toEqual({ name: 'redis', namespace: 'tenant-a', labels: { 'hearth.dev/package': 'redis' } });
    expect(source.spec.url).toBe(`${REGISTRY}/redis`);
    expect(source.spec.ref).toEqual({ semver: redis.pkg.version });
    expect(source.spec.layerSelector).toEqual({ mediaType: HELM_CHART_LAYER, operation: 'copy' });
    expect(source.spec.verify).toBeUndefined();
  });

  it('pins to a digest and verifies signatures when asked', () => {
    const { source } = pair(redis, { digests: { redis: DIGEST }, verify: { provider: 'notation', secretRef: 'trust' } });
    expect(source.spec.ref).toEqual({ digest: DIGEST });
    expect(source.spec.verify).toEqual({ provider: 'notation', secretRef: { name: 'trust' } });
  });

  it('installs through chartRef to the OCIRepository of the same name, with the user values only', () => {
    const { release } = pair(redis, {}, { replicas: 3 });
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'redis' });
    expect(release.spec.releaseName).toBe('redis');
    expect(release.spec.values).toEqual({ replicas: 3 });
    expect(release.spec.driftDetection).toEqual({ mode: 'enabled' });
  });

  it('retries a stateful package instead of remediating by uninstall (which would delete its volumes)', () => {
    for (const compiled of [redis, stateful]) {
      const { release } = pair(compiled);
      expect(release.spec.install.strategy, compiled.pkg.name).toEqual({ name: 'RetryOnFailure', retryInterval: '2m' });
      expect(release.spec.upgrade.strategy).toEqual({ name: 'RetryOnFailure', retryInterval: '2m' });
      expect(release.spec.install.remediation).toBeUndefined();
      expect(release.spec.upgrade.remediation).toBeUndefined();
    }
  });

  it('retries and rolls back a stateless package', () => {
    const { release } = pair(stateless);
    expect(release.spec.install).toEqual({ timeout: '5m', remediation: { retries: 3 } });
    expect(release.spec.upgrade).toEqual({ timeout: '5m', cleanupOnFail: true, remediation: { retries: 3, strategy: 'rollback' } });
  });

  it('detects stateful packages from their renders, and honours an explicit setting', () => {
    expect(isStateful(redis)).toBe(true);
    expect(isStateful(stateful)).toBe(true);
    expect(isStateful(stateless)).toBe(false);
    expect(isStateful(compilePackage(definePackage({ ...(versionedDefinition() as PackageDefinition), stateful: false })))).toBe(false);
  });

  it('sets timeouts per package kind', () => {
    expect(pair(variant('net', 'platform')).release.spec.install.timeout).toBe('15m');
    expect(pair(variant('op', 'operator')).release.spec.upgrade.timeout).toBe('10m');
    expect(pair(stateless).release.spec.install.timeout).toBe('5m');
    expect(pair(redis).release.spec.install.timeout).toBe('15m');
  });

  it('never disables schema validation', () => {
    const text = fluxYaml(fluxObjects([{ compiled: redis }, { compiled: stateless }], options), 'test');
    expect(text).not.toMatch(/disableSchemaValidation|disableOpenAPIValidation/);
  });

  it('lists the package dependencies in dependsOn, in another namespace when asked', () => {
    expect(pair(redis).release.spec.dependsOn).toEqual(redis.pkg.dependsOn.map((name) => ({ name })));
    expect(pair(redis, { dependsOnNamespace: 'flux-system' }).release.spec.dependsOn[0].namespace).toBe('flux-system');
    expect(pair(stateless).release.spec.dependsOn).toBeUndefined();
  });

  it('installs platform and operator packages into a namespace named after them, apps into the HelmRelease namespace', () => {
    const platform = pair(variant('net', 'platform')).release.spec;
    expect(platform.targetNamespace).toBe('net');
    expect(platform.install.createNamespace).toBe(true);
    expect(pair(redis).release.spec.targetNamespace).toBeUndefined();
    const [, moved] = fluxObjectsOf({ compiled: redis, targetNamespace: 'cache' }, options) as Json[];
    expect(moved.spec.targetNamespace).toBe('cache');
  });

  it('adds values from Secrets and ConfigMaps', () => {
    const [, release] = fluxObjectsOf({ compiled: redis, valuesFrom: [parseValuesReference('Secret/redis-values:extra.yaml')] }, options) as Json[];
    expect(release.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'redis-values', valuesKey: 'extra.yaml' }]);
  });

  it('orders packages after their dependencies and refuses a cycle', () => {
    const order = inDependencyOrder([{ compiled: variant('apps', 'module', ['db-operator']) }, { compiled: variant('db-operator', 'operator', ['net']) }, { compiled: variant('net', 'platform') }]);
    expect(order.map((r) => r.compiled.pkg.name)).toEqual(['net', 'db-operator', 'apps']);
    expect(() => inDependencyOrder([{ compiled: variant('a', 'platform', ['b']) }, { compiled: variant('b', 'platform', ['a']) }])).toThrow('packages depend on each other in a cycle: a → b → a');
  });

  it('refuses values the chart refuses, naming the path', () => {
    expect(() => pair(redis, {}, { replicas: 30 })).toThrow(ValuesError);
    expect(() => pair(redis, {}, { replicas: 30 })).toThrow('values for redis rejected: replicas: must be <= 9 (got 30)');
  });

  it('refuses malformed options in one line naming the option', () => {
    expect(() => parseRegistry('https://localhost:5000/hearth')).toThrow(/^--registry "https:\/\/localhost:5000\/hearth": must be oci:\/\/HOST/);
    expect(parseRegistry('oci://localhost:5000/hearth/')).toBe('oci://localhost:5000/hearth');
    expect(() => parseValuesReference('Pod/x')).toThrow(/^--values-from "Pod\/x": must be Secret\/NAME\[:KEY\]/);
    expect(() => parseDigests(['sha256:abc'], ['redis'])).toThrow(/^--digest "sha256:abc": must be sha256: followed by 64/);
    expect(() => parseDigests([DIGEST], ['a', 'b'])).toThrow(/name the package/);
    expect(parseDigests([`b=${DIGEST}`], ['a', 'b'])).toEqual({ b: DIGEST });
    expect(() => pair(redis, { verify: { provider: 'cosign' } })).toThrow(FluxError);
    expect(() => pair(redis, { namespace: 'Tenant' })).toThrow(/^--namespace "Tenant": must be a DNS label/);
  });
});

describe('hearth flux', () => {
  const cli = join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js');
  const flux = (...args: string[]) => spawnSync(process.execPath, [cli, 'flux', ...args], { encoding: 'utf8' });

  it('prints the two objects of a package with a generated marker, values from -f and --set', () => {
    const file = join(tempDir('hearth-flux-'), 'values.yaml');
    writeFileSync(file, 'replicas: 3\nexternal: yes\n');
    const r = flux('redis', '--registry', REGISTRY, '-n', 'tenant-a', '-f', file, '--set', 'size=2Gi');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Generated by hearth flux/);
    const objects = parseManifest(r.stdout) as Json[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['OCIRepository/tenant-a/redis', 'HelmRelease/tenant-a/redis']);
    expect(objects[1].spec.values).toEqual({ replicas: 3, external: true, size: '2Gi' });
    if (crds.exists) expect(validateObjects(objects).problems).toEqual([]);
  });

  it('refuses bad values in one line', () => {
    const r = flux('redis', '--registry', REGISTRY, '--set', 'replicas=many');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('hearth: values for redis rejected: replicas: must be integer (got "many")\n');
  });

  it('releases every package with --all, values keyed by package name', () => {
    const r = flux('--all', '--registry', REGISTRY, '--set', 'redis.replicas=4');
    expect(r.status, r.stderr).toBe(0);
    const releases = (parseManifest(r.stdout) as Json[]).filter((o) => o.kind === 'HelmRelease');
    expect(releases.find((o) => o.metadata.name === 'redis')?.spec.values).toEqual({ replicas: 4 });
  });
});
