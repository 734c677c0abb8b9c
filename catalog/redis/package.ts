/**
 * Managed Redis: a RedisFailover (redis + sentinel) run by the spotahome redis-operator, with a
 * generated password kept across upgrades, optional external access and network isolation.
 * Value names follow the platform our users come from, so their specs install unchanged.
 */
import { definePackage, ex, v } from '../../constructs';
import { RedisFailover } from '../../constructs/crds/redis-failover';
import { monitoringValue } from '../../constructs/k8s/app-values';
import { boundedName } from '../../constructs/k8s/names';
import { PasswordSecret } from '../../constructs/k8s/password-secret';
import { containerResources, resourcesPresetValue, resourcesValue } from '../../constructs/k8s/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../constructs/k8s/security';
import { addServiceAccess } from '../../constructs/k8s/service-access';
import { TokenlessServiceAccount } from '../../constructs/k8s/service-account';

/** Namespace the platform installs the redis-operator into; it must reach the pods. */
export const OPERATOR_NAMESPACE = 'redis-operator';
const REDIS_PORT = 6379;
const SENTINEL_PORT = 26379;
/**
 * The operator names the Redis StatefulSet `rfr-<name>`, whose pods carry a
 * `controller-revision-hash: <statefulset>-<hash>` label (at most 63 characters): 48 leaves room.
 */
export const MAX_FAILOVER_NAME = 48;
/**
 * The metrics exporter added to each Redis pod with `monitoring`. It runs as an extra container
 * rather than the operator's built-in exporter, which takes no probes; the operator passes the
 * Redis password to extra containers (REDIS_PASSWORD), which redis_exporter reads.
 */
const EXPORTER_IMAGE = 'quay.io/oliver006/redis_exporter:v1.67.0';
const EXPORTER_PORT = { name: 'metrics', port: 9121 } as const;
/** uid/gid of the `redis` user in the official alpine images. */
const REDIS_UID = 999;
const REDIS_GID = 1000;

const values = v.object(
  {
    replicas: v.integer({ description: 'Number of Redis pods (one primary, the rest replicas).', default: 2, minimum: 1, maximum: 9 }),
    sentinel: v.object(
      {
        replicas: v.integer({ description: 'Number of Sentinel pods watching the primary (odd, at least 3).', default: 3, minimum: 3, maximum: 7, advanced: true }),
      },
      { description: 'Sentinel settings.' },
    ),
    size: v.quantity({ description: 'Size of each Redis pod\'s persistent volume.', default: '1Gi' }),
    storageClass: v.string({ description: 'StorageClass of the volumes; empty uses the cluster default.', default: '', maxLength: 253, optionsFrom: 'storageClasses', immutable: true }),
    authEnabled: v.boolean({ description: 'Require a password; it is generated once and kept across upgrades.', default: true }),
    version: v.enum(['v8', 'v7'] as const, { description: 'Redis major version.', default: 'v8' }),
    resources: resourcesValue('each Redis pod'),
    resourcesPreset: resourcesPresetValue('each Redis pod', 'nano'),
    external: v.boolean({ description: 'Expose the primary outside the cluster through a LoadBalancer Service.', default: false }),
    monitoring: monitoringValue('the Redis pods (adds a metrics exporter to each)'),
  },
  { description: 'Redis values.' },
);

export default definePackage({
  name: 'redis',
  version: '0.2.0',
  kind: 'app',
  category: 'PaaS',
  description: 'Managed Redis with Sentinel failover, persistent storage and a generated password.',
  icon: 'icon.svg',
  keywords: ['redis', 'cache', 'key-value', 'sentinel'],
  maintainers: [{ name: 'hearth maintainers' }],
  appVersion: '8.2.2',
  kubeVersion: '>=1.29.0-0',
  home: 'https://redis.io',
  sources: ['https://github.com/spotahome/redis-operator'],
  images: [
    { name: 'redis-v8', image: 'docker.io/library/redis:8.2.2-alpine' },
    { name: 'redis-v7', image: 'docker.io/library/redis:7.4.6-alpine' },
    { name: 'redis-exporter', image: EXPORTER_IMAGE },
  ],
  dependsOn: ['redis-operator'],
  keysOrder: ['replicas', 'size', 'storageClass', 'authEnabled', 'version', 'resources', 'resourcesPreset', 'external', 'sentinel', 'monitoring'],
  values,
  build(scope, values, ctx) {
    const name = boundedName(ctx, MAX_FAILOVER_NAME);
    const image = ex.str(ex.ternary(ex.eq(values.version, 'v7'), ctx.image('redis-v7'), ctx.image('redis-v8')));
    const resources = containerResources(values.resources, values.resourcesPreset);
    // Neither Redis nor Sentinel talks to the Kubernetes API: their pods get no token.
    const serviceAccount = new TokenlessServiceAccount(scope, 'service-account', { name: ctx.name('pods') });
    const pod = {
      image,
      serviceAccountName: serviceAccount.serviceAccountName,
      resources,
      securityContext: restrictedPodSecurityContext(REDIS_UID, REDIS_GID),
      containerSecurityContext: restrictedContainerSecurityContext(),
    };
    const authSecret = ctx.name('auth');

    ctx.if(scope, 'auth', values.authEnabled, (s) => {
      new PasswordSecret(s, 'secret', ctx, { name: authSecret });
    });

    new RedisFailover(scope, 'failover', {
      metadata: { name },
      spec: {
        // Only the instance label travels to the operator's objects; it owns the rest of its labels.
        labelWhitelist: ['app.kubernetes.io/instance'],
        auth: ex.when(values.authEnabled, { secretPath: authSecret }),
        redis: {
          ...pod,
          replicas: ex.num(values.replicas),
          port: REDIS_PORT,
          extraContainers: ex.when(values.monitoring, [
            {
              name: 'redis-exporter',
              image: ctx.image('redis-exporter'),
              ports: [{ name: EXPORTER_PORT.name, containerPort: EXPORTER_PORT.port, protocol: 'TCP' }],
              securityContext: restrictedContainerSecurityContext(),
              resources: containerResources({ cpu: ex.lit(''), memory: ex.lit('') }, ex.lit('nano')),
              readinessProbe: { httpGet: { path: '/health', port: EXPORTER_PORT.name }, periodSeconds: 15, timeoutSeconds: 3 },
              livenessProbe: { httpGet: { path: '/health', port: EXPORTER_PORT.name }, periodSeconds: 30, timeoutSeconds: 3, failureThreshold: 5 },
            },
          ]),
          storage: {
            keepAfterDeletion: true,
            persistentVolumeClaim: {
              metadata: { name: 'redis-data' },
              spec: {
                accessModes: ['ReadWriteOnce'],
                resources: { requests: { storage: ex.str(values.size) } },
                storageClassName: ex.when(ex.ne(values.storageClass, ''), ex.str(values.storageClass)),
              },
            },
          },
        },
        sentinel: {
          ...pod,
          resources: containerResources({ cpu: ex.lit(''), memory: ex.lit('') }, ex.lit('nano')),
          replicas: ex.num(values.sentinel.replicas),
          configCopy: { containerSecurityContext: restrictedContainerSecurityContext() },
        },
      },
    });

    addServiceAccess(scope, ctx, {
      values,
      operatorNamespace: OPERATOR_NAMESPACE,
      podSelector: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'redis-failover' },
      ports: [REDIS_PORT, SENTINEL_PORT],
      external: { selector: { ...RedisFailover.podLabels(name, 'redis'), 'redisfailovers-role': 'master' }, port: { name: 'redis', port: REDIS_PORT } },
      metrics: { selector: RedisFailover.podLabels(name, 'redis'), portName: EXPORTER_PORT.name },
    });
  },
});
