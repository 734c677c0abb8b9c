import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { crdDirectory, validateObjects, type ObjectProblem } from '../constructs/validation/objects';

type Obj = Record<string, unknown>;

const labels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'demo' };

function configMap(): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', labels }, data: { 'app.conf': 'x = 1', LOG_LEVEL: 'info' } };
}

function deployment(spec: Obj = {}, container: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels, annotations: { 'helm.sh/hook-weight': '1' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'MODE', value: 'prod' }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
              ...container,
            },
          ],
          securityContext: { runAsNonRoot: true },
        },
      },
      ...spec,
    },
  };
}

const builtins: [string, Obj][] = [
  ['ConfigMap', configMap()],
  ['Deployment', deployment()],
  [
    'Service',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels },
      spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 9090 }] },
    },
  ],
  [
    'NetworkPolicy',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web' },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      },
    },
  ],
  ['Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-auth' }, type: 'Opaque', data: { password: 'c2VjcmV0' }, stringData: { user: 'admin' } }],
  [
    'PodDisruptionBudget',
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: labels } } },
  ],
];

function problemAt(problems: readonly ObjectProblem[], path: string): ObjectProblem | undefined {
  return problems.find((p) => p.path === path);
}

describe('built-in kinds (kubernetes-models)', () => {
  it.each(builtins)('accepts a valid %s', (_kind, object) => {
    const report = validateObjects([object]);
    expect(report.problems).toEqual([]);
    expect(report.unvalidated).toEqual([]);
  });

  it('rejects a Deployment whose replicas is a string, naming spec.replicas', () => {
    const { problems } = validateObjects([deployment({ replicas: 'x' })]);
    expect(problems).toEqual([{ object: 'Deployment/web', path: 'spec.replicas', message: 'must be integer (got "x")' }]);
  });

  it('reports an unknown field in a Deployment spec and suggests the field meant', () => {
    const { problems } = validateObjects([deployment({ replicaz: 3 })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('spec.replicaz');
    expect(problems[0]!.message).toMatch(/^unknown field; did you mean replicas\?/);
  });

  it('reports an unknown field deep inside a pod template container', () => {
    const { problems } = validateObjects([deployment({}, { imagePullPolcy: 'Always' })]);
    expect(problems.map((p) => p.path)).toEqual(['spec.template.spec.containers[0].imagePullPolcy']);
  });

  it('lists the allowed values of an enum', () => {
    const { problems } = validateObjects([deployment({}, { imagePullPolicy: 'Sometimes' })]);
    expect(problemAt(problems, 'spec.template.spec.containers[0].imagePullPolicy')?.message).toBe(
      'must be one of Always, IfNotPresent, Never (got "Sometimes")',
    );
  });

  it('reports an int-or-string field once, with both allowed types', () => {
    const pdb = structuredClone(builtins.find(([kind]) => kind === 'PodDisruptionBudget')![1]);
    (pdb.spec as Obj).minAvailable = 1.5;
    const { problems } = validateObjects([pdb]);
    expect(problems).toEqual([{ object: 'PodDisruptionBudget/web', path: 'spec.minAvailable', message: 'must be string or integer (got 1.5)' }]);
  });

  it('quotes map keys that are not identifiers in the path', () => {
    const object = deployment();
    (object.metadata as Obj).annotations = { 'helm.sh/hook-weight': 5 };
    const { problems } = validateObjects([object]);
    expect(problems).toEqual([{ object: 'Deployment/web', path: 'metadata.annotations["helm.sh/hook-weight"]', message: 'must be string (got 5)' }]);
  });

  it('requires metadata.name, which Helm needs to install an object', () => {
    const { problems } = validateObjects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: {} }]);
    expect(problems).toEqual([{ object: 'ConfigMap/(no name)', path: 'metadata.name', message: 'is required' }]);
  });

  it('sends a built-in kind at a version kubernetes-models lacks to unvalidated, naming the versions it has', () => {
    const object = { ...deployment(), apiVersion: 'apps/v9' };
    const report = validateObjects([object]);
    expect(report.problems).toEqual([]);
    expect(report.unvalidated).toHaveLength(1);
    expect(report.unvalidated[0]!.object).toBe('Deployment/web');
    expect(report.unvalidated[0]!.reason).toContain('apps/v1');
  });
});

const crds = crdDirectory();
const needsCrds = !crds.exists;
const skipNote = crds.exists ? '' : ` (skipped: CRD folder ${crds.dir} not found; set HEARTH_CRDS)`;

function redisFailover(redis: Obj = {}): Obj {
  return {
    apiVersion: 'databases.spotahome.com/v1',
    kind: 'RedisFailover',
    metadata: { name: 'cache', labels },
    spec: {
      redis: { replicas: 3, resources: { requests: { cpu: '100m', memory: '128Mi' } }, ...redis },
      sentinel: { replicas: 3 },
    },
  };
}

function pgCluster(spec: Obj = {}): Obj {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'db' },
    spec: { instances: 2, storage: { size: '10Gi' }, ...spec },
  };
}

describe(`custom resources (CRD folder)${skipNote}`, () => {
  it.skipIf(needsCrds)('accepts a valid RedisFailover', () => {
    const report = validateObjects([redisFailover()]);
    expect(report).toEqual({ problems: [], unvalidated: [] });
  });

  it.skipIf(needsCrds)('reports an unknown field under spec.redis of a RedisFailover', () => {
    const { problems } = validateObjects([redisFailover({ replica: 3 })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('spec.redis.replica');
    expect(problems[0]!.message).toMatch(/^unknown field; did you mean replicas\?/);
  });

  it.skipIf(needsCrds)('rejects a CloudNativePG Cluster whose instances is a word', () => {
    const { problems } = validateObjects([pgCluster({ instances: 'two' })]);
    expect(problems).toEqual([{ object: 'Cluster/db', path: 'spec.instances', message: 'must be integer (got "two")' }]);
  });

  it.skipIf(needsCrds)('rejects two entries with the same key in an x-kubernetes-list-type: map list', () => {
    const extensions = [{ name: 'pgvector' }, { name: 'postgis' }, { name: 'pgvector' }];
    const { problems } = validateObjects([pgCluster({ postgresql: { extensions } })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('spec.postgresql.extensions[2]');
    expect(problems[0]!.message).toContain('item 0 has the same name="pgvector"');
  });

  it.skipIf(needsCrds)('accepts a valid RabbitmqCluster, with int-or-string quantities', () => {
    const rabbit = {
      apiVersion: 'rabbitmq.com/v1beta1',
      kind: 'RabbitmqCluster',
      metadata: { name: 'mq' },
      spec: {
        replicas: 3,
        resources: { requests: { cpu: 1, memory: '2Gi' }, limits: { memory: '2Gi' } },
        persistence: { storage: '20Gi' },
        rabbitmq: { additionalConfig: 'log.console.level = info' },
      },
    };
    expect(validateObjects([rabbit])).toEqual({ problems: [], unvalidated: [] });
  });

  it.skipIf(needsCrds)('validates custom resource metadata as ObjectMeta: string labels, no unknown fields', () => {
    const object = redisFailover();
    object.metadata = { name: 'cache', labels: { tier: 3 }, label: {} };
    const { problems } = validateObjects([object]);
    expect(problems.map((p) => [p.path, p.message.split(';')[0]])).toEqual([
      ['metadata.label', 'unknown field'],
      ['metadata.labels.tier', 'must be string (got 3)'],
    ]);
  });

  it.skipIf(needsCrds)('treats a null field of a custom resource as absent, as the API server prunes it', () => {
    const object = redisFailover({ nodeSelector: null, tolerations: null });
    (object.metadata as Obj).annotations = null;
    expect(validateObjects([object])).toEqual({ problems: [], unvalidated: [] });
    // spec is required by the CRD: a null spec is a missing spec, not a wrongly typed one.
    expect(validateObjects([{ ...object, spec: null }]).problems).toEqual([{ object: 'RedisFailover/cache', path: 'spec', message: 'is required' }]);
  });

  it.skipIf(needsCrds)('validates a KubeVirt VirtualMachine against the unsuffixed schema-only file, not its v1.8.4 twin', () => {
    // portRanges exists in virtualmachines.openapi.yaml (main) but not in the .v1.8.4 twin.
    const vm = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'vm' },
      spec: {
        runStrategy: 'Always',
        template: {
          spec: {
            domain: {
              devices: { interfaces: [{ name: 'default', masquerade: {}, portRanges: [{ start: 8000, end: 8100, protocol: 'TCP' }] }] },
              resources: { requests: { memory: '1Gi' } },
            },
            networks: [{ name: 'default', pod: {} }],
          },
        },
      },
    };
    expect(validateObjects([vm])).toEqual({ problems: [], unvalidated: [] });
    (vm.spec.template.spec.domain.devices.interfaces[0] as Obj).masquerade = { on: true };
    expect(validateObjects([vm]).problems.map((p) => p.path)).toEqual(['spec.template.spec.domain.devices.interfaces[0].masquerade.on']);
  });

  it.skipIf(needsCrds)('uses a version-suffixed twin for a version only it serves', () => {
    // objectstorage.k8s.io/v1alpha1 is served only by the *.v0.2.2.yaml files (top-level fields, no spec).
    const bucketClass = { apiVersion: 'objectstorage.k8s.io/v1alpha1', kind: 'BucketClass', metadata: { name: 'b' }, driverName: 'x', deletionPolicy: 'Retain' };
    expect(validateObjects([bucketClass])).toEqual({ problems: [], unvalidated: [] });
  });

  it.skipIf(needsCrds)('explains a oneOf of required fields as "exactly one of"', () => {
    const policy = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p' }, spec: { ingress: [{}] } };
    const { problems } = validateObjects([policy]);
    expect(problems.map((p) => p.message)).toContain('must set exactly one of endpointSelector, nodeSelector');
  });

  it.skipIf(needsCrds)('lists an object of an unknown API group as unvalidated, with the reason', () => {
    const report = validateObjects([{ apiVersion: 'example.invalid/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    expect(report.problems).toEqual([]);
    expect(report.unvalidated).toEqual([{ object: 'Widget/w', reason: `no CRD for API group example.invalid in ${crds.dir}` }]);
  });

  it.skipIf(needsCrds)('lists an unserved or unknown version of a known kind as unvalidated, naming the versions there are', () => {
    const report = validateObjects([{ ...redisFailover(), apiVersion: 'databases.spotahome.com/v2' }]);
    expect(report.unvalidated).toHaveLength(1);
    expect(report.unvalidated[0]!.reason).toContain('versions: v1');
  });
});

describe('without the CRD folder', () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'hearth-crds-')), 'absent');

  it('lists custom resources as unvalidated, saying the folder is missing', () => {
    const report = validateObjects([redisFailover()], { crdDir: missing });
    expect(report.problems).toEqual([]);
    expect(report.unvalidated).toHaveLength(1);
    expect(report.unvalidated[0]!.object).toBe('RedisFailover/cache');
    expect(report.unvalidated[0]!.reason).toContain(`the CRD folder ${missing} is missing`);
  });

  it('still validates built-in kinds', () => {
    const report = validateObjects([deployment({ replicas: 'x' })], { crdDir: missing });
    expect(report.problems.map((p) => p.path)).toEqual(['spec.replicas']);
    expect(report.unvalidated).toEqual([]);
  });
});
