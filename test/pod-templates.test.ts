/**
 * The pods operators create from custom resources, as `hearth check` sees them: the chart's
 * settings with each operator's own defaults filled in (constructs/validation/pod-templates.ts).
 */
import { describe, expect, it } from 'vitest';
import { mergeValues } from '../constructs/compiler/render';
import { podViewsOf, selectorMatch, strategicMerge } from '../constructs/validation/pod-templates';
import { coverageValueSets, sampleValueSets } from '../scripts/lib/sample-values';
import { buildPackage } from '../scripts/lib/build';
import { webPackage } from './support/rule-fixtures';

const redisFailover = (spec: Record<string, unknown>, labels: Record<string, string> = {}) => ({
  apiVersion: 'databases.spotahome.com/v1',
  kind: 'RedisFailover',
  metadata: { name: 'cache', labels: { 'app.kubernetes.io/instance': 'prod', 'app.kubernetes.io/name': 'redis', team: 'a', ...labels } },
  spec: { redis: { replicas: 2 }, sentinel: { replicas: 3 }, ...spec },
});

describe('RedisFailover pods', () => {
  it('carry the operator\'s selector labels plus the whitelisted labels of the resource, with the role set at run time', () => {
    const [redis, sentinel] = podViewsOf(redisFailover({ labelWhitelist: ['app.kubernetes.io/instance'] }));
    expect(redis!.labels).toMatchObject({
      'app.kubernetes.io/name': 'cache', 'app.kubernetes.io/component': 'redis', 'app.kubernetes.io/part-of': 'redis-failover',
      'app.kubernetes.io/instance': 'prod',
    });
    expect(redis!.labels.team).toBeUndefined();
    expect(redis!.dynamicLabelKeys).toEqual(['redisfailovers-role']);
    expect(selectorMatch({ matchLabels: { 'app.kubernetes.io/name': 'cache', 'redisfailovers-role': 'master' } }, redis!)).toBe('some');
    expect(sentinel!.labels['app.kubernetes.io/component']).toBe('sentinel');
  });

  it('without a whitelist, carry every label of the resource', () => {
    const [redis] = podViewsOf(redisFailover({}));
    expect(redis!.labels.team).toBe('a');
  });

  it('run the operator\'s default security contexts when the resource gives none: non-root, but no seccomp profile', () => {
    const [redis] = podViewsOf(redisFailover({}));
    expect(redis!.spec.securityContext).toEqual({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, fsGroup: 1000 });
    expect(redis!.containers[0]!.spec.securityContext).not.toHaveProperty('seccompProfile');
    expect(redis!.containers[0]!.at.securityContext).toBe('spec.redis.containerSecurityContext');
  });

  it('include the sentinel config-copy init container and an enabled exporter with the operator\'s default resources', () => {
    const [redis, sentinel] = podViewsOf(redisFailover({
      redis: { replicas: 2, exporter: { enabled: true, image: 'oliver006/redis_exporter:v1.62.0' } },
      sentinel: { replicas: 3, configCopy: { containerSecurityContext: { runAsNonRoot: true } } },
    }));
    expect(sentinel!.containers.map((c) => [c.name, c.role])).toEqual([['sentinel-config-copy', 'init'], ['sentinel', 'main']]);
    expect(sentinel!.containers[0]!.spec.securityContext).toEqual({ runAsNonRoot: true });
    const exporter = redis!.containers.find((c) => c.name === 'redis-exporter')!;
    expect(exporter.spec.resources).toEqual({ limits: { cpu: '1000m', memory: '100Mi' }, requests: { cpu: '10m', memory: '50Mi' } });
    expect(exporter.at.image).toBe('spec.redis.exporter.image');
  });

  it('name the operator\'s children after the resource (rfr-, rfs-, rfrm-, rfrs-)', () => {
    const [redis, sentinel] = podViewsOf(redisFailover({}));
    expect(redis!.derivedNames.map((d) => d.name)).toEqual(['rfr-cache', 'rfr-cache', 'rfr-cache-1', 'rfrm-cache', 'rfrs-cache']);
    expect(sentinel!.derivedNames.map((d) => d.name)).toEqual(['rfs-cache']);
  });

  it('keep their volumes with keepAfterDeletion, and have the operator\'s PodDisruptionBudget unless disabled', () => {
    const storage = { persistentVolumeClaim: { metadata: { name: 'data' }, spec: {} } };
    expect(podViewsOf(redisFailover({ redis: { replicas: 2, storage } }))[0]!.volumeClaims?.retained).toBe(false);
    expect(podViewsOf(redisFailover({ redis: { replicas: 2, storage: { ...storage, keepAfterDeletion: true } } }))[0]!.volumeClaims?.retained).toBe(true);
    expect(podViewsOf(redisFailover({ redis: { replicas: 2, disablePodDisruptionBudget: true } }))[0]!.operatorPodDisruptionBudget).toBe(false);
  });
});

const cnpgCluster = (spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'db', annotations },
  spec: { instances: 3, imageName: 'ghcr.io/cloudnative-pg/postgresql:17.5', storage: { size: '1Gi' }, ...spec },
});

describe('CloudNativePG Cluster pods', () => {
  it('run restricted by default: uid 26, RuntimeDefault seccomp, every capability dropped, read-only root', () => {
    const [pod] = podViewsOf(cnpgCluster());
    expect(pod!.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 26, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of pod!.containers) {
      expect(c.spec.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    expect(pod!.containers.map((c) => [c.name, c.role, Boolean(c.operatorImage)])).toEqual([['bootstrap-controller', 'init', true], ['postgres', 'main', false]]);
  });

  it('merge a securityContext override field by field with the operator\'s defaults', () => {
    const [pod] = podViewsOf(cnpgCluster({ securityContext: { readOnlyRootFilesystem: false }, podSecurityContext: { fsGroup: 99 } }));
    expect(pod!.containers[1]!.spec.securityContext).toMatchObject({ readOnlyRootFilesystem: false, allowPrivilegeEscalation: false });
    expect(pod!.spec.securityContext).toEqual({ fsGroup: 99, runAsUser: 26, runAsGroup: 26, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('carry the cnpg.io labels and the inherited labels, need an API token, and lose their volumes unless Helm keeps the Cluster', () => {
    const [pod] = podViewsOf(cnpgCluster({ inheritedMetadata: { labels: { 'app.kubernetes.io/part-of': 'hearth' } } }));
    expect(pod!.labels).toMatchObject({ 'cnpg.io/cluster': 'db', 'cnpg.io/podRole': 'instance', 'app.kubernetes.io/part-of': 'hearth' });
    expect(pod!.dynamicLabelKeys).toContain('cnpg.io/instanceRole');
    expect(pod!.serviceAccountTokenRequiredBy).toBeDefined();
    expect(pod!.volumeClaims?.retained).toBe(false);
    expect(podViewsOf(cnpgCluster({}, { 'helm.sh/resource-policy': 'keep' }))[0]!.volumeClaims?.retained).toBe(true);
    expect(podViewsOf(cnpgCluster({ enablePDB: false }))[0]!.operatorPodDisruptionBudget).toBe(false);
  });
});

const rabbit = (override?: Record<string, unknown>) => ({
  apiVersion: 'rabbitmq.com/v1beta1',
  kind: 'RabbitmqCluster',
  metadata: { name: 'mq' },
  spec: { replicas: 3, image: 'docker.io/library/rabbitmq:4.2.1-management', ...(override ? { override: { statefulSet: { spec: { template: override } } } } : {}) },
});

describe('RabbitmqCluster pods', () => {
  it('by default run the operator\'s template: no container security context, a readiness probe but no liveness probe, a token, no PodDisruptionBudget', () => {
    const [pod] = podViewsOf(rabbit());
    expect(pod!.spec.securityContext).toEqual({ fsGroup: 0, runAsUser: 999 });
    const main = pod!.containers.find((c) => c.name === 'rabbitmq')!;
    expect(main.spec.securityContext).toBeUndefined();
    expect(main.spec.readinessProbe).toBeDefined();
    expect(main.spec.livenessProbe).toBeUndefined();
    expect(pod!.serviceAccountTokenRequiredBy).toBeDefined();
    expect(pod!.operatorPodDisruptionBudget).toBe(false);
    expect(pod!.labels).toEqual({ 'app.kubernetes.io/name': 'mq', 'app.kubernetes.io/component': 'rabbitmq', 'app.kubernetes.io/part-of': 'rabbitmq' });
  });

  it('apply spec.override.statefulSet.spec.template as a strategic merge patch: containers by name, labels added', () => {
    const [pod] = podViewsOf(rabbit({
      metadata: { labels: { 'app.kubernetes.io/instance': 'prod' } },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'rabbitmq', securityContext: { allowPrivilegeEscalation: false } }],
      },
    }));
    expect(pod!.spec.securityContext).toEqual({ fsGroup: 0, runAsUser: 999, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const main = pod!.containers.find((c) => c.name === 'rabbitmq')!;
    expect(main.spec.securityContext).toEqual({ allowPrivilegeEscalation: false });
    expect(main.spec.readinessProbe).toBeDefined();
    expect(main.at.securityContext).toBe('spec.override.statefulSet.spec.template.spec.containers[0].securityContext');
    expect(main.at.image).toBe('spec.image');
    expect(pod!.labels['app.kubernetes.io/instance']).toBe('prod');
  });

  it('drop the operator\'s pod security context when the override gives an empty one', () => {
    const [pod] = podViewsOf(rabbit({ spec: { securityContext: {} } }));
    expect(pod!.spec.securityContext).toBeUndefined();
  });
});

describe('strategic merge and selectors', () => {
  it('merges keyed lists by key, replaces other lists, and deletes on null', () => {
    expect(strategicMerge({ containers: [{ name: 'a', image: 'x' }], args: ['1'] }, { containers: [{ name: 'a', image: 'y' }, { name: 'b' }], args: ['2'], drop: null }))
      .toEqual({ containers: [{ name: 'a', image: 'y' }, { name: 'b' }], args: ['2'] });
  });

  it('evaluates matchExpressions', () => {
    const view = { labels: { app: 'web', tier: 'front' }, dynamicLabelKeys: [] };
    expect(selectorMatch({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, view)).toBe('all');
    expect(selectorMatch({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, view)).toBe('none');
    expect(selectorMatch({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, view)).toBe('all');
  });
});

describe('value sets hearth check renders', () => {
  const compiled = buildPackage(webPackage()).compiled;

  it('random sets are reproducible from the seed and valid against the schema', () => {
    const a = sampleValueSets(compiled.schema, 20, 7);
    expect(sampleValueSets(compiled.schema, 20, 7)).toEqual(a);
    expect(sampleValueSets(compiled.schema, 20, 8)).not.toEqual(a);
    const refused = a.filter((values) => {
      try {
        mergeValues(compiled, values);
        return false;
      } catch {
        return true;
      }
    });
    expect(refused).toEqual([]);
  });

  it('cover every non-default enum value and every boolean flip', () => {
    expect(coverageValueSets(compiled.schema)).toEqual([{ label: 'version=1.26', values: { version: '1.26' } }]);
  });
});
