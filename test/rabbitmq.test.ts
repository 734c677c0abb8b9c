/**
 * The rabbitmq package: users, vhosts and per-vhost permissions become topology-operator objects
 * that validate against their CRDs; the broker pods meet Pod Security "restricted"; passwords,
 * names, NOTES and presets behave as documented on helm 3, helm 4 and the concrete renderer.
 */
import { describe, expect, it } from 'vitest';
import { renderConcrete } from '../constructs/compiler/render';
import { PRESET_TABLE, RESOURCES_PRESETS } from '../constructs/k8s/resources';
import { MAX_CLUSTER_NAME, VERSIONS } from '../catalog/rabbitmq/package';
import {
  builtPackage,
  expectRenderFailure,
  expectValidObjects,
  LONGEST_RELEASE,
  notesOf,
  one,
  only,
  renderEverywhere,
  secretData,
  type K8sObject,
} from './support/managed-services';

const rabbitmq = await builtPackage('rabbitmq');

const FULL_SPEC = {
  replicas: 5,
  size: '20Gi',
  storageClass: 'replicated',
  version: 'v4.1',
  resources: { cpu: '1', memory: '2Gi' },
  resourcesPreset: 'medium',
  external: true,
  users: { app: { password: 'change-me' }, reporting: {}, ops: {} },
  vhosts: {
    main: { roles: { admin: ['app'], readonly: ['reporting', 'app'] } },
    audit: { roles: { readonly: ['app', 'reporting'] } },
    empty: {},
  },
  monitoring: true,
};

type Permission = { spec: { vhost: string; userReference: { name: string }; permissions: Record<string, string> } };

function permissions(objects: readonly K8sObject[]): Record<string, Record<string, string>> {
  const users = new Map(only(objects, 'User').map((u) => [u.metadata.name, u]));
  const out: Record<string, Record<string, string>> = {};
  for (const p of only(objects, 'Permission') as unknown as Permission[]) {
    const user = users.get(p.spec.userReference.name);
    expect(user, `Permission for an unknown User ${p.spec.userReference.name}`).toBeDefined();
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === (user as unknown as { spec: { importCredentialsSecret: { name: string } } }).spec.importCredentialsSecret.name)!;
    out[`${p.spec.vhost}/${secretData(secret).username}`] = p.spec.permissions;
  }
  return out;
}

describe('rabbitmq: every documented key', () => {
  it('renders identically on helm 3, helm 4 and hearth, and every object validates', async () => {
    const objects = await renderEverywhere(rabbitmq, FULL_SPEC);
    expectValidObjects(objects);
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'NetworkPolicy', 'Permission', 'Permission', 'Permission', 'Permission', 'PodDisruptionBudget', 'PodMonitor', 'RabbitmqCluster',
      'Secret', 'Secret', 'Secret', 'Service', 'User', 'User', 'User', 'VMPodScrape', 'Vhost', 'Vhost', 'Vhost',
    ]);
  });

  it('grants admins everything and readers read only, an admin listed as reader staying admin', async () => {
    const objects = await renderEverywhere(rabbitmq, FULL_SPEC);
    expect(permissions(objects)).toEqual({
      'main/app': { configure: '.*', write: '.*', read: '.*' },
      'main/reporting': { configure: '^$', write: '^$', read: '.*' },
      'audit/app': { configure: '^$', write: '^$', read: '.*' },
      'audit/reporting': { configure: '^$', write: '^$', read: '.*' },
    });
  });

  it('keeps vhosts (and their messages) when they leave the values', async () => {
    const objects = await renderEverywhere(rabbitmq, { vhosts: { main: {} } });
    expect(one(objects, 'Vhost').spec).toMatchObject({ name: 'main', deletionPolicy: 'retain' });
  });

  it('maps replicas, storage, version and resources into the RabbitmqCluster and keeps it on uninstall', async () => {
    const cluster = one(await renderEverywhere(rabbitmq, FULL_SPEC), 'RabbitmqCluster');
    expect(cluster.spec).toMatchObject({
      replicas: 5,
      image: VERSIONS['v4.1'],
      persistence: { storage: '20Gi', storageClassName: 'replicated' },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
    });
    expect(cluster.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });

  it('runs the broker and its setup container under Pod Security "restricted"', async () => {
    const cluster = one(await renderEverywhere(rabbitmq, {}), 'RabbitmqCluster');
    const pod = cluster.spec.override.statefulSet.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, seccompProfile: { type: 'RuntimeDefault' } });
    for (const container of [...pod.containers, ...pod.initContainers]) {
      expect(container.securityContext, container.name).toMatchObject({
        allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    // The operator adds a readiness probe only; a hung node is restarted after a generous start.
    expect(pod.containers[0].livenessProbe).toMatchObject({ tcpSocket: { port: 'amqp' } });
    expect(pod.containers[0].startupProbe.periodSeconds * pod.containers[0].startupProbe.failureThreshold).toBeGreaterThanOrEqual(600);
    expect([...pod.containers, ...pod.initContainers].map((c: { name: string }) => c.name)).toEqual(['rabbitmq', 'setup-container']);
  });

  it('exposes AMQP through a LoadBalancer and opens only that port to the outside', async () => {
    const objects = await renderEverywhere(rabbitmq, { external: true });
    const service = one(objects, 'Service');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', ports: [{ name: 'amqp', port: 5672 }] });
    expect(service.spec.selector).toEqual(one(objects, 'NetworkPolicy').spec.podSelector.matchLabels);
    expect(one(objects, 'NetworkPolicy').spec.ingress[2]).toEqual({ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 5672, protocol: 'TCP' }] });
  });

  it('lets node drains take one broker at a time', async () => {
    const objects = await renderEverywhere(rabbitmq, {});
    expect(one(objects, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: one(objects, 'NetworkPolicy').spec.podSelector.matchLabels } });
  });

  it('renders only the cluster, its budget and its isolation by default', async () => {
    const objects = await renderEverywhere(rabbitmq, {});
    expect(objects.map((o) => o.kind).sort()).toEqual(['NetworkPolicy', 'PodDisruptionBudget', 'RabbitmqCluster']);
    expectValidObjects(objects);
  });
});

describe('rabbitmq: checks between values', () => {
  it('refuses an admin that is not a key of users, naming the vhost and the user', async () => {
    await expectRenderFailure(rabbitmq, { users: { app: {} }, vhosts: { main: { roles: { admin: ['ghost'] } } } }, 'vhosts.main.roles.admin lists ghost, which is not a key of users');
  });

  it('refuses a reader that is not a key of users', async () => {
    await expectRenderFailure(rabbitmq, { vhosts: { logs: { roles: { readonly: ['nobody'] } } } }, 'vhosts.logs.roles.readonly lists nobody, which is not a key of users');
  });
});

describe('rabbitmq: passwords', () => {
  it('generates a 32-character password when none is given and uses a given one as is', async () => {
    const objects = renderConcrete(rabbitmq.compiled, { users: { app: {}, given: { password: 'sécret {{ x }}' } } }, { name: 't' }) as K8sObject[];
    const secrets = Object.fromEntries(only(objects, 'Secret').map((s) => [secretData(s).username, s]));
    expect(secretData(secrets.app).password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secretData(secrets.given).password).toBe('sécret {{ x }}');
    for (const secret of Object.values(secrets)) {
      expect(secret.metadata.annotations).toMatchObject({ 'helm.sh/resource-policy': 'keep', 'hearth.dev/generated-keys': 'password' });
    }
    const users = only(objects, 'User') as unknown as { spec: { importCredentialsSecret: { name: string } } }[];
    expect(users.map((u) => u.spec.importCredentialsSecret.name).sort()).toEqual(Object.values(secrets).map((s) => s.metadata.name).sort());
  });
});

describe('rabbitmq: names and NOTES', () => {
  it('keeps the cluster name short enough for the operator\'s StatefulSet for the longest release', async () => {
    const cluster = one(await renderEverywhere(rabbitmq, {}, LONGEST_RELEASE), 'RabbitmqCluster');
    expect(cluster.metadata.name.length).toBeLessThanOrEqual(MAX_CLUSTER_NAME);
    expect(`${cluster.metadata.name}-server`.length).toBeLessThanOrEqual(52);
  });

  it.each(['t', LONGEST_RELEASE])('prints the AMQP address and the user Secrets as rendered (release %s)', async (release) => {
    const values = { users: { app: {} }, vhosts: { main: { roles: { admin: ['app'] } } }, external: true };
    const objects = renderConcrete(rabbitmq.compiled, values, { name: release, namespace: 'tenant-a' }) as K8sObject[];
    const notes = await notesOf(rabbitmq, values, release);
    const cluster = one(objects, 'RabbitmqCluster');
    expect(notes).toContain(`@${cluster.metadata.name}.tenant-a.svc:5672/<vhost>`);
    expect(notes).toContain(`get secret ${one(objects, 'Secret').metadata.name} `);
    expect(notes).toContain(`get service ${one(objects, 'Service').metadata.name}`);
    expect(notes).toContain(`${cluster.metadata.name}-default-user`);
  });
});

describe('rabbitmq: resources presets and versions', () => {
  it.each(RESOURCES_PRESETS)('sizes every node from the %s preset', (preset) => {
    const cluster = renderConcrete(rabbitmq.compiled, { resourcesPreset: preset }).find((o) => o.kind === 'RabbitmqCluster') as { spec: { resources: unknown } };
    const { cpu, memory } = PRESET_TABLE[preset];
    expect(cluster.spec.resources).toEqual({ requests: { cpu, memory }, limits: { memory } });
  });

  it.each(Object.entries(VERSIONS))('pins version %s to %s', async (version, image) => {
    expect(image).toMatch(/^docker\.io\/library\/rabbitmq:\d+\.\d+\.\d+-management$/);
    expect(one(await renderEverywhere(rabbitmq, { version }), 'RabbitmqCluster').spec.image).toBe(image);
  });
});
