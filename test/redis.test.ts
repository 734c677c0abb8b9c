/**
 * The redis package: the RedisFailover and its companions validate against their CRDs, metrics
 * are opt-in, names stay within what the operator can derive from them, and passwords, NOTES and
 * presets behave as documented on helm 3, helm 4 and the concrete renderer.
 */
import { describe, expect, it } from 'vitest';
import { renderConcrete } from '../constructs/compiler/render';
import { PRESET_TABLE, RESOURCES_PRESETS } from '../constructs/k8s/resources';
import { MAX_FAILOVER_NAME } from '../catalog/redis/package';
import {
  builtPackage,
  expectValidObjects,
  LONGEST_RELEASE,
  notesOf,
  one,
  only,
  renderEverywhere,
  secretData,
  type K8sObject,
} from './support/managed-services';

const redis = await builtPackage('redis');

const FULL_SPEC = {
  replicas: 3,
  sentinel: { replicas: 5 },
  size: '8Gi',
  storageClass: 'replicated',
  authEnabled: true,
  version: 'v7',
  resources: { cpu: '500m', memory: '1Gi' },
  resourcesPreset: 'small',
  external: true,
  monitoring: true,
};

describe('redis: every documented key', () => {
  it('renders identically on helm 3, helm 4 and hearth, and every object validates', async () => {
    const objects = await renderEverywhere(redis, FULL_SPEC);
    expectValidObjects(objects);
    expect(objects.map((o) => o.kind).sort()).toEqual(['NetworkPolicy', 'PodMonitor', 'RedisFailover', 'Secret', 'Service', 'ServiceAccount', 'VMPodScrape']);
  });

  it('maps replicas, storage, version and resources into the RedisFailover', async () => {
    const failover = one(await renderEverywhere(redis, FULL_SPEC), 'RedisFailover');
    expect(failover.spec.redis).toMatchObject({
      replicas: 3,
      image: 'docker.io/library/redis:7.4.6-alpine',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
      storage: { keepAfterDeletion: true, persistentVolumeClaim: { spec: { resources: { requests: { storage: '8Gi' } }, storageClassName: 'replicated' } } },
    });
    expect(failover.spec.sentinel.replicas).toBe(5);
  });

  it('adds a restricted, probed metrics exporter and scrape targets for it only with monitoring', async () => {
    const off = await renderEverywhere(redis, {});
    expect(one(off, 'RedisFailover').spec.redis.extraContainers).toBeUndefined();
    expect(only(off, 'PodMonitor')).toEqual([]);
    const on = await renderEverywhere(redis, { monitoring: true });
    const failover = one(on, 'RedisFailover');
    expect(failover.spec.redis.exporter).toBeUndefined();
    expect(failover.spec.redis.extraContainers).toEqual([
      expect.objectContaining({
        name: 'redis-exporter',
        image: expect.stringMatching(/redis_exporter:v\d+\.\d+\.\d+$/),
        ports: [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }],
        securityContext: expect.objectContaining({ allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } }),
        resources: { requests: { cpu: PRESET_TABLE.nano.cpu, memory: PRESET_TABLE.nano.memory }, limits: { memory: PRESET_TABLE.nano.memory } },
        readinessProbe: expect.objectContaining({ httpGet: { path: '/health', port: 'metrics' } }),
        livenessProbe: expect.objectContaining({ httpGet: { path: '/health', port: 'metrics' } }),
      }),
    ]);
    expect(failover.spec.sentinel.extraContainers).toBeUndefined();
    for (const kind of ['PodMonitor', 'VMPodScrape']) {
      expect(one(on, kind).spec).toEqual({
        selector: { matchLabels: { 'app.kubernetes.io/name': failover.metadata.name, 'app.kubernetes.io/component': 'redis', 'app.kubernetes.io/part-of': 'redis-failover' } },
        podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }],
      });
    }
    expectValidObjects(on);
  });
});

describe('redis: pods', () => {
  it('gives Redis and Sentinel pods a service account without an API token', async () => {
    const objects = await renderEverywhere(redis, {});
    const account = one(objects, 'ServiceAccount') as unknown as { metadata: { name: string }; automountServiceAccountToken: boolean };
    expect(account.automountServiceAccountToken).toBe(false);
    const failover = one(objects, 'RedisFailover');
    expect(failover.spec.redis.serviceAccountName).toBe(account.metadata.name);
    expect(failover.spec.sentinel.serviceAccountName).toBe(account.metadata.name);
  });
});

describe('redis: passwords', () => {
  it('generates a kept 32-character password, and none at all without authEnabled', async () => {
    const objects = renderConcrete(redis.compiled, {}, { name: 't' }) as K8sObject[];
    const secret = one(objects, 'Secret');
    expect(secretData(secret).password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret.metadata.annotations).toMatchObject({ 'helm.sh/resource-policy': 'keep' });
    expect(one(objects, 'RedisFailover').spec.auth).toEqual({ secretPath: secret.metadata.name });
    const open = await renderEverywhere(redis, { authEnabled: false });
    expect(only(open, 'Secret')).toEqual([]);
  });
});

describe('redis: names and NOTES', () => {
  it('leaves names that fit unchanged, so existing releases keep their objects', async () => {
    expect(one(await renderEverywhere(redis, {}, 'cache'), 'RedisFailover').metadata.name).toBe('cache-redis');
  });

  it('shortens the RedisFailover name for the longest release so the operator\'s StatefulSet fits', async () => {
    const failover = one(await renderEverywhere(redis, {}, LONGEST_RELEASE), 'RedisFailover');
    expect(failover.metadata.name.length).toBeLessThanOrEqual(MAX_FAILOVER_NAME);
    expect(`rfr-${failover.metadata.name}`.length).toBeLessThanOrEqual(52);
  });

  it.each(['t', LONGEST_RELEASE])('prints the operator\'s Services and the password Secret as rendered (release %s)', async (release) => {
    const objects = renderConcrete(redis.compiled, { external: true }, { name: release, namespace: 'tenant-a' }) as K8sObject[];
    const notes = await notesOf(redis, { external: true }, release);
    const name = one(objects, 'RedisFailover').metadata.name;
    expect(notes).toContain(`rfs-${name}.tenant-a.svc:26379`);
    expect(notes).toContain(`rfrm-${name}.tenant-a.svc:6379`);
    expect(notes).toContain(`get secret ${one(objects, 'Secret').metadata.name} `);
    expect(notes).toContain(`get service ${one(objects, 'Service').metadata.name}`);
  });
});

describe('redis: resources presets', () => {
  it.each(RESOURCES_PRESETS)('sizes every Redis pod from the %s preset', (preset) => {
    const failover = renderConcrete(redis.compiled, { resourcesPreset: preset }).find((o) => o.kind === 'RedisFailover') as { spec: { redis: { resources: unknown } } };
    const { cpu, memory } = PRESET_TABLE[preset];
    expect(failover.spec.redis.resources).toEqual({ requests: { cpu, memory }, limits: { memory } });
  });
});
