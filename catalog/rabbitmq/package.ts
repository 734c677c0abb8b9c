/**
 * Managed RabbitMQ: a `RabbitmqCluster` (cluster operator) with users, vhosts and per-vhost
 * permissions declared through the messaging topology operator (`User`, `Vhost`, `Permission`),
 * generated passwords kept across upgrades, optional external access and network isolation.
 * Value names follow the platform our users come from, so their specs install unchanged.
 */
import type { Construct } from 'constructs';
import { definePackage, ex, v, type Expr } from '../../constructs';
import { Permission, RabbitmqCluster, RabbitmqUser, Vhost } from '../../constructs/crds/rabbitmq';
import {
  externalValue,
  monitoringValue,
  namedMap,
  nameList,
  optionalObject,
  replicasValue,
  sizeValue,
  storageClassValue,
} from '../../constructs/k8s/app-values';
import { boundedName } from '../../constructs/k8s/names';
import { PasswordSecret } from '../../constructs/k8s/password-secret';
import { PodDisruptionBudget } from '../../constructs/k8s/pod-disruption-budget';
import { failUnless } from '../../constructs/k8s/render-checks';
import { containerResources, resourcesPresetValue, resourcesValue } from '../../constructs/k8s/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../constructs/k8s/security';
import { addServiceAccess } from '../../constructs/k8s/service-access';

/** Namespace the platform installs the RabbitMQ cluster and topology operators into. */
export const OPERATOR_NAMESPACE = 'rabbitmq-operator';
/**
 * The operator names its StatefulSet `<name>-server`, whose pods carry a
 * `controller-revision-hash: <statefulset>-<hash>` label (at most 63 characters): 45 leaves room.
 */
export const MAX_CLUSTER_NAME = 45;

/** RabbitMQ images per minor version (official images with the management plugin). */
export const VERSIONS = {
  'v4.2': 'docker.io/library/rabbitmq:4.2.4-management',
  'v4.1': 'docker.io/library/rabbitmq:4.1.4-management',
  'v4.0': 'docker.io/library/rabbitmq:4.0.9-management',
  'v3.13': 'docker.io/library/rabbitmq:3.13.7-management',
} as const;
type Version = keyof typeof VERSIONS;
const VERSION_NAMES = Object.keys(VERSIONS) as [Version, ...Version[]];
const imageName = (version: string) => `rabbitmq-${version.replace(/\./g, '-')}`;

const values = v.object(
  {
    replicas: replicasValue('Number of RabbitMQ nodes (odd numbers keep a quorum when one fails).', 3, 1, 9),
    size: sizeValue('RabbitMQ', '10Gi'),
    storageClass: storageClassValue(),
    version: v.enum(VERSION_NAMES, { description: 'RabbitMQ version (upgrade one minor version at a time).', default: 'v4.2' }),
    resources: resourcesValue('each RabbitMQ node'),
    resourcesPreset: resourcesPresetValue('each RabbitMQ node', 'small'),
    external: externalValue('AMQP (port 5672)'),
    users: namedMap(
      v.object(
        { password: v.optional(v.string({ description: 'Password; generated once and kept when empty.', default: '', maxLength: 128, secret: true })) },
        { description: 'A user.' },
      ),
      {
        description: 'Users, each with its credentials in the Secret <release>-rabbitmq-user-<name>.',
        reservedKeys: ['guest'],
        reservedReason: 'guest is RabbitMQ\'s built-in local-only account',
        maxProperties: 64,
      },
    ),
    vhosts: namedMap(
      v.object(
        {
          roles: v.optional(
            optionalObject(
              v.object(
                {
                  admin: v.optional(nameList('Users with full access to the vhost (configure, write, read).', '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$')),
                  readonly: v.optional(nameList('Users that may only read (consume) from the vhost.', '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$')),
                },
                { description: 'Users with access to the vhost; each must be a key of users.' },
              ),
            ),
          ),
        },
        { description: 'A virtual host.' },
      ),
      { description: 'Virtual hosts and who may use them.', maxProperties: 64 },
    ),
    monitoring: monitoringValue('the RabbitMQ nodes'),
  },
  { description: 'RabbitMQ values.' },
);

export default definePackage({
  name: 'rabbitmq',
  version: '0.1.0',
  kind: 'app',
  category: 'PaaS',
  description: 'Managed RabbitMQ cluster with declarative users, virtual hosts and permissions.',
  icon: 'icon.svg',
  keywords: ['rabbitmq', 'amqp', 'message-broker', 'queue'],
  maintainers: [{ name: 'hearth maintainers' }],
  appVersion: '4.2.4',
  kubeVersion: '>=1.29.0-0',
  home: 'https://www.rabbitmq.com',
  sources: ['https://github.com/rabbitmq/cluster-operator', 'https://github.com/rabbitmq/messaging-topology-operator'],
  images: VERSION_NAMES.map((version) => ({ name: imageName(version), image: VERSIONS[version] })),
  dependsOn: ['rabbitmq-operator'],
  keysOrder: ['replicas', 'size', 'storageClass', 'version', 'resources', 'resourcesPreset', 'external', 'users', 'vhosts', 'monitoring'],
  values,
  build(scope, values, ctx) {
    const clusterName = boundedName(ctx, MAX_CLUSTER_NAME);
    const clusterReference = { name: clusterName };
    const image = ex.index<string>(Object.fromEntries(VERSION_NAMES.map((version) => [version, ctx.image(imageName(version))])), values.version, 'string');
    // Pod Security "restricted" with a read-only root filesystem: older operators set no seccomp
    // profile or container security context; the override adds them (the broker writes only to
    // its volumes and logs to the console).
    const containerSecurity = restrictedContainerSecurityContext();
    // The operator adds only a readiness probe. A node that stops accepting AMQP is restarted;
    // the startup probe gives a booting node (cluster formation, queue recovery) 15 minutes first.
    const amqpProbe = { tcpSocket: { port: 'amqp' }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 6 };
    const startupProbe = { tcpSocket: { port: 'amqp' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 };

    new RabbitmqCluster(scope, 'cluster', {
      metadata: {
        name: clusterName,
        // The cluster owns its volumes: uninstalling the release must not delete the messages.
        annotations: { 'helm.sh/resource-policy': 'keep' },
      },
      spec: {
        replicas: ex.num(values.replicas),
        image: ex.str(image),
        persistence: {
          storage: ex.str(values.size),
          storageClassName: ex.when(ex.ne(values.storageClass, ''), ex.str(values.storageClass)),
        },
        resources: containerResources(values.resources, values.resourcesPreset),
        override: {
          statefulSet: {
            spec: {
              template: {
                spec: {
                  securityContext: restrictedPodSecurityContext(RabbitmqCluster.UID),
                  containers: [{ name: RabbitmqCluster.CONTAINER, securityContext: containerSecurity, startupProbe, livenessProbe: amqpProbe }],
                  initContainers: [{ name: RabbitmqCluster.SETUP_CONTAINER, securityContext: containerSecurity }],
                },
              },
            },
          },
        },
      },
    });

    ctx.each(scope, 'users', values.users, (s, user, name) => {
      const secret = new PasswordSecret(s, 'secret', ctx, { name: ctx.name('user', name), password: user.password, extra: { username: name } });
      new RabbitmqUser(s, 'user', {
        metadata: { name: ctx.name('user', name) },
        spec: { rabbitmqClusterReference: clusterReference, importCredentialsSecret: { name: secret.secretName } },
      });
    });

    ctx.each(scope, 'vhosts', values.vhosts, (s, vhost, vhostName) => {
      new Vhost(s, 'vhost', {
        metadata: { name: ctx.name('vhost', vhostName) },
        // Deleting the object (or the release) must not drop the vhost's queues and messages.
        spec: { name: ex.str(vhostName), rabbitmqClusterReference: clusterReference, deletionPolicy: 'retain' },
      });
      const permission = (scopeOf: Construct, role: 'admin' | 'readonly', user: Expr<string>) => {
        // A permission for a user the chart does not declare would wait forever for its User.
        const checkedVhost = failUnless(
          vhostName,
          ex.hasKey(values.users, user),
          ex.format(`vhosts.%s.roles.${role} lists %s, which is not a key of users`, vhostName, user),
        );
        new Permission(scopeOf, 'permission', {
          metadata: { name: ctx.name('permission', vhostName, user) },
          spec: {
            vhost: ex.str(checkedVhost),
            userReference: { name: ctx.name('user', user) },
            permissions: role === 'admin' ? Permission.ADMIN : Permission.READONLY,
            rabbitmqClusterReference: clusterReference,
          },
        });
      };
      ctx.each(s, 'admins', vhost.roles.admin, (a, user) => permission(a, 'admin', user));
      ctx.each(s, 'readers', vhost.roles.readonly, (r, user) => {
        // An admin's full permission wins; a second Permission would overwrite it.
        ctx.if(r, 'not-admin', ex.not(ex.has(vhost.roles.admin, user)), (c) => permission(c, 'readonly', user));
      });
    });

    new PodDisruptionBudget(scope, 'disruption-budget', {
      name: ctx.name('disruption'),
      selector: RabbitmqCluster.podLabels(clusterName),
      maxUnavailable: 1,
    });

    addServiceAccess(scope, ctx, {
      values,
      operatorNamespace: OPERATOR_NAMESPACE,
      podSelector: RabbitmqCluster.podLabels(clusterName),
      ports: [RabbitmqCluster.AMQP_PORT],
      external: { selector: RabbitmqCluster.podLabels(clusterName), port: { name: 'amqp', port: RabbitmqCluster.AMQP_PORT } },
      metrics: { selector: RabbitmqCluster.podLabels(clusterName), portName: RabbitmqCluster.METRICS_PORT.name },
    });
  },
});
