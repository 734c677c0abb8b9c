/**
 * Every pod a rendered release will run, as one shape: the pod templates of built-in workloads
 * (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) and the pods that operators
 * create from known custom resources (RedisFailover, CloudNativePG Cluster, RabbitmqCluster).
 *
 * For an operator-managed pod the view is the pod the operator will create: the settings the chart
 * writes into the custom resource, with the operator's own defaults filled in where the resource
 * leaves them out. Each extractor cites the upstream behaviour it reproduces, so a security gate
 * can judge pods the chart never renders itself. A custom resource kind without an extractor is
 * not a pod source; `OPERATOR_POD_SOURCES` is the registry to extend.
 */
import { POD_TEMPLATE_PATHS } from '../k8s/pod-template-paths';
import { isPlainObject } from '../util/json';

type Json = Record<string, unknown>;


function obj(value: unknown): Json {
  return isPlainObject(value) ? value : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

export type ContainerRole = 'init' | 'main' | 'ephemeral';

/** Where the settings of one container are written in the rendered object (dotted paths). */
export interface ContainerPaths {
  readonly securityContext: string;
  readonly resources: string;
  readonly image: string;
  readonly probes: string;
  readonly env: string;
  readonly ports: string;
}

export interface ContainerView {
  readonly name: string;
  readonly role: ContainerRole;
  /** The container as the pod will run it (operator defaults applied). */
  readonly spec: Json;
  readonly at: ContainerPaths;
  /** The image is the operator's own (not chosen by the chart), e.g. CloudNativePG's bootstrap container. */
  readonly operatorImage?: boolean;
}

/** An object name the operator derives from the custom resource, with the limit it must meet. */
export interface DerivedName {
  readonly kind: string;
  readonly name: string;
  readonly maxLength: number;
  /** Why the limit applies. */
  readonly why: string;
}

export interface PodView {
  /** `Kind/name` of the rendered object the pods come from. */
  readonly object: string;
  readonly kind: string;
  /** What the pods are, for messages (e.g. `pod template`, `redis pods created by the redis-operator`). */
  readonly description: string;
  /** Pod-level settings (securityContext, volumes, host namespaces, serviceAccountName, ...). */
  readonly spec: Json;
  readonly at: { readonly securityContext: string; readonly spec: string; readonly labels: string };
  /** Labels every pod of the set carries. */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotations the pods carry (as far as the chart sets them). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Label keys the operator sets per pod at run time (e.g. the primary/replica role). */
  readonly dynamicLabelKeys: readonly string[];
  /** Pods of the set; undefined when it is not a fixed number (DaemonSet, Job). */
  readonly replicas: number | undefined;
  /** Runs until stopped (not a Job); such containers need readiness and liveness probes. */
  readonly longRunning: boolean;
  readonly containers: readonly ContainerView[];
  /** The operator that creates the pods; undefined for built-in workloads. */
  readonly operator?: string;
  /** Why the pods need a Kubernetes API token that the chart cannot take away (operator design). */
  readonly serviceAccountTokenRequiredBy?: string;
  /** The operator creates a PodDisruptionBudget for the pods. */
  readonly operatorPodDisruptionBudget?: boolean;
  /** The pods' persistent volume claims: whether they survive the release's deletion. */
  readonly volumeClaims?: { readonly retained: boolean; readonly at: string; readonly why: string };
  /** Names of objects derived from the rendered one (operator children, StatefulSet revisions). */
  readonly derivedNames: readonly DerivedName[];
}

export const HELM_KEEP_ANNOTATION = 'helm.sh/resource-policy';

function nameOf(o: Json): string {
  return String(obj(o.metadata).name ?? '');
}

function keptByHelm(o: Json): boolean {
  return obj(obj(o.metadata).annotations)[HELM_KEEP_ANNOTATION] === 'keep';
}

function containerPaths(base: string): ContainerPaths {
  return {
    securityContext: `${base}.securityContext`,
    resources: `${base}.resources`,
    image: `${base}.image`,
    probes: base,
    env: `${base}.env`,
    ports: `${base}.ports`,
  };
}

/** The containers of a pod spec written at `specPath`. */
function containersOf(spec: Json, specPath: string): ContainerView[] {
  const out: ContainerView[] = [];
  const groups: [string, ContainerRole][] = [['initContainers', 'init'], ['containers', 'main'], ['ephemeralContainers', 'ephemeral']];
  for (const [field, role] of groups) {
    for (const [i, c] of list(spec[field]).entries()) {
      out.push({ name: String(c.name ?? `${field}[${i}]`), role, spec: c, at: containerPaths(`${specPath}.${field}[${i}]`) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Built-in workloads
// ---------------------------------------------------------------------------------------------


/** StatefulSet pods carry `controller-revision-hash: <name>-<10 characters>`, a label value of at most 63. */
const STATEFULSET_NAME_MAX = 52;

function builtinViews(o: Json): PodView[] {
  const kind = String(o.kind);
  const name = nameOf(o);
  const object = `${kind}/${name}`;
  if (kind === 'Pod') {
    const spec = obj(o.spec);
    return [{
      object, kind, description: 'pod', spec, labels: stringMap(obj(o.metadata).labels), annotations: stringMap(obj(o.metadata).annotations), dynamicLabelKeys: [],
      at: { securityContext: 'spec.securityContext', spec: 'spec', labels: 'metadata.labels' },
      replicas: 1, longRunning: (spec.restartPolicy ?? 'Always') === 'Always', containers: containersOf(spec, 'spec'), derivedNames: [],
    }];
  }
  const path = POD_TEMPLATE_PATHS[kind];
  if (!path || !String(o.apiVersion).match(/^(apps|batch)\/v1$/)) return [];
  let template: unknown = o;
  for (const key of path) template = obj(template)[key];
  const base = path.join('.');
  const spec = obj(obj(template).spec);
  const ownerSpec = obj(o.spec);
  const replicas = kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet' ? Number(ownerSpec.replicas ?? 1) : undefined;
  const derivedNames: DerivedName[] = [];
  let volumeClaims: PodView['volumeClaims'];
  if (kind === 'StatefulSet') {
    derivedNames.push({ kind: 'ControllerRevision', name: `${name}-0123456789`, maxLength: 63, why: `its pods carry the label controller-revision-hash: <name>-<hash>, so a StatefulSet name may have at most ${STATEFULSET_NAME_MAX} characters` });
    derivedNames.push({ kind: 'Pod', name: `${name}-${Math.max(0, (replicas ?? 1) - 1)}`, maxLength: 63, why: 'pod names are host names (DNS labels)' });
    if (list(ownerSpec.volumeClaimTemplates).length) {
      const policy = obj(ownerSpec.persistentVolumeClaimRetentionPolicy);
      // Kubernetes defaults both fields to Retain.
      const retained = (policy.whenDeleted ?? 'Retain') === 'Retain' && (policy.whenScaled ?? 'Retain') === 'Retain';
      volumeClaims = { retained, at: 'spec.persistentVolumeClaimRetentionPolicy', why: 'persistentVolumeClaimRetentionPolicy deletes the claims' };
    }
  }
  return [{
    object, kind, description: 'pod template', spec,
    labels: stringMap(obj(obj(template).metadata).labels), annotations: stringMap(obj(obj(template).metadata).annotations), dynamicLabelKeys: [],
    at: { securityContext: `${base}.spec.securityContext`, spec: `${base}.spec`, labels: `${base}.metadata.labels` },
    replicas, longRunning: kind !== 'Job' && kind !== 'CronJob', containers: containersOf(spec, `${base}.spec`), derivedNames, volumeClaims,
  }];
}

// ---------------------------------------------------------------------------------------------
// RedisFailover — databases.spotahome.com/v1 (spotahome/redis-operator and its maintained fork
// freshworks-oss/redis-operator, whose CRD hearth validates against).
// Upstream: operator/redisfailover/service/generator.go (generateRedisStatefulSet,
// generateSentinelDeployment, getSecurityContext, getContainerSecurityContext,
// createRedisExporterContainer), client.go (generateSelectorLabels, ensurePodDisruptionBudget),
// names.go / constants.go (rfr-, rfs-, rfrm-, rfrs-, rfr-s-, rfr-readiness- prefixes) and
// handler.go (getLabels: labelWhitelist regexes over the RedisFailover's labels).
// ---------------------------------------------------------------------------------------------

/** The operator's pod security context when the spec gives none (getSecurityContext): no seccomp profile. */
const REDIS_DEFAULT_POD_SECURITY = { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, fsGroup: 1000 };
/** The operator's container security context when the spec gives none (getContainerSecurityContext): no seccomp profile. */
const REDIS_DEFAULT_CONTAINER_SECURITY = {
  capabilities: { add: [], drop: ['ALL'] }, privileged: false, runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true,
  readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
};
/** Exporter resources when the spec gives none (exporterDefaultResourceRequirements). */
const REDIS_EXPORTER_RESOURCES = { limits: { cpu: '1000m', memory: '100Mi' }, requests: { cpu: '10m', memory: '50Mi' } };
/** The sentinel-config-copy init container's fixed resources. */
const REDIS_CONFIG_COPY_RESOURCES = { limits: { cpu: '10m', memory: '32Mi' }, requests: { cpu: '10m', memory: '32Mi' } };
/** The liveness/readiness probes the operator adds unless custom ones are given (exec redis-cli / sentinel checks). */
const OPERATOR_EXEC_PROBE = { exec: { command: ['sh', '-c', 'operator-defined check'] } };

function redisLabels(rf: Json, component: 'redis' | 'sentinel'): Record<string, string> {
  const rfName = nameOf(rf);
  const own = stringMap(obj(rf.metadata).labels);
  const whitelist = (Array.isArray(obj(rf.spec).labelWhitelist) ? obj(rf.spec).labelWhitelist : []) as unknown[];
  const custom: Record<string, string> = {};
  if (whitelist.length === 0) Object.assign(custom, own);
  for (const pattern of whitelist) {
    let re: RegExp;
    try {
      re = new RegExp(String(pattern));
    } catch {
      continue; // the operator logs and ignores a pattern it cannot compile
    }
    for (const [k, v] of Object.entries(own)) if (re.test(k)) custom[k] = v;
  }
  return {
    'app.kubernetes.io/managed-by': 'redis-operator',
    'redisfailovers.databases.spotahome.com/name': rfName,
    ...custom,
    'app.kubernetes.io/name': rfName,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'redis-failover',
    ...(component === 'redis' ? { 'redisfailovers-role': 'slave' } : {}),
  };
}

function redisPodView(rf: Json, component: 'redis' | 'sentinel'): PodView {
  const rfName = nameOf(rf);
  const settings = obj(obj(rf.spec)[component]);
  const at = `spec.${component}`;
  const podSecurity = isPlainObject(settings.securityContext) ? settings.securityContext : REDIS_DEFAULT_POD_SECURITY;
  const containerSecurity = (given: unknown) => (isPlainObject(given) ? given : REDIS_DEFAULT_CONTAINER_SECURITY);
  const mainPaths: ContainerPaths = {
    securityContext: `${at}.containerSecurityContext`, resources: `${at}.resources`, image: `${at}.image`,
    probes: at, env: at, ports: at,
  };
  const probe = (custom: unknown) => (isPlainObject(custom) ? custom : OPERATOR_EXEC_PROBE);
  const main: ContainerView = {
    name: component,
    role: 'main',
    at: mainPaths,
    spec: {
      name: component,
      image: settings.image,
      securityContext: containerSecurity(settings.containerSecurityContext),
      resources: obj(settings.resources),
      livenessProbe: probe(settings.customLivenessProbe),
      readinessProbe: probe(settings.customReadinessProbe),
      // REDIS_PASSWORD comes from the auth Secret through secretKeyRef (getRedisEnv).
      env: [],
    },
  };
  const containers: ContainerView[] = [main];
  if (component === 'sentinel') {
    const copy = obj(settings.configCopy);
    containers.unshift({
      name: 'sentinel-config-copy',
      role: 'init',
      at: { ...mainPaths, securityContext: `${at}.configCopy.containerSecurityContext`, resources: `${at}.configCopy` },
      spec: { name: 'sentinel-config-copy', image: settings.image, securityContext: containerSecurity(copy.containerSecurityContext), resources: REDIS_CONFIG_COPY_RESOURCES },
    });
  }
  const exporter = obj(settings.exporter);
  if (exporter.enabled === true) {
    const exporterAt = `${at}.exporter`;
    containers.push({
      name: component === 'redis' ? 'redis-exporter' : 'sentinel-exporter',
      role: 'main',
      at: { securityContext: `${exporterAt}.containerSecurityContext`, resources: `${exporterAt}.resources`, image: `${exporterAt}.image`, probes: exporterAt, env: `${exporterAt}.env`, ports: exporterAt },
      spec: {
        name: 'exporter',
        image: exporter.image,
        securityContext: containerSecurity(exporter.containerSecurityContext),
        resources: isPlainObject(exporter.resources) ? exporter.resources : REDIS_EXPORTER_RESOURCES,
        env: list(exporter.env),
      },
    });
  }
  for (const [field, role] of [['initContainers', 'init'], ['extraContainers', 'main']] as const) {
    for (const [i, c] of list(settings[field]).entries()) {
      containers.push({ name: String(c.name ?? `${field}[${i}]`), role, spec: c, at: containerPaths(`${at}.${field}[${i}]`) });
    }
  }
  const volumes = [
    ...(component === 'redis'
      ? [{ name: 'redis-config', configMap: {} }, { name: 'redis-shutdown-config', configMap: {} }, { name: 'redis-readiness-config', configMap: {} }]
      : [{ name: 'sentinel-config', configMap: {} }, { name: 'sentinel-config-writable', emptyDir: {} }]),
    ...list(settings.extraVolumes),
  ];
  const storage = obj(settings.storage);
  if (component === 'redis' && !isPlainObject(storage.persistentVolumeClaim)) volumes.push({ name: 'redis-data', emptyDir: {} });
  const replicas = Number(settings.replicas ?? (component === 'redis' ? 3 : 3));
  const prefix = component === 'redis' ? 'rfr' : 'rfs';
  const derivedNames: DerivedName[] = [
    { kind: 'Service', name: `${prefix}-${rfName}`, maxLength: 63, why: 'Service names are DNS labels' },
  ];
  if (component === 'redis') {
    derivedNames.push(
      { kind: 'StatefulSet', name: `rfr-${rfName}`, maxLength: STATEFULSET_NAME_MAX, why: `StatefulSet pods carry controller-revision-hash: <name>-<hash> (at most ${STATEFULSET_NAME_MAX} characters for the name)` },
      { kind: 'Pod', name: `rfr-${rfName}-${Math.max(0, replicas - 1)}`, maxLength: 63, why: 'pod names are host names (DNS labels)' },
      { kind: 'Service', name: `rfrm-${rfName}`, maxLength: 63, why: 'Service names are DNS labels' },
      { kind: 'Service', name: `rfrs-${rfName}`, maxLength: 63, why: 'Service names are DNS labels' },
    );
  }
  const pvc = isPlainObject(storage.persistentVolumeClaim);
  return {
    object: `RedisFailover/${rfName}`,
    kind: 'RedisFailover',
    description: `${component} pods created by the redis-operator`,
    operator: 'redis-operator',
    spec: {
      securityContext: podSecurity,
      hostNetwork: settings.hostNetwork === true,
      serviceAccountName: str(settings.serviceAccountName),
      volumes,
    },
    at: { securityContext: `${at}.securityContext`, spec: at, labels: 'metadata.labels' },
    labels: redisLabels(rf, component),
    annotations: stringMap(settings.podAnnotations),
    dynamicLabelKeys: component === 'redis' ? ['redisfailovers-role'] : [],
    replicas,
    longRunning: true,
    containers,
    operatorPodDisruptionBudget: settings.disablePodDisruptionBudget !== true,
    volumeClaims: component === 'redis' && pvc
      ? {
        // Without keepAfterDeletion the claims get an owner reference to the RedisFailover and are
        // garbage-collected with it; a RedisFailover Helm keeps (resource-policy: keep) is never deleted.
        retained: storage.keepAfterDeletion === true || keptByHelm(rf),
        at: `${at}.storage.keepAfterDeletion`,
        why: 'without keepAfterDeletion the claims are owned by the RedisFailover and deleted with the release',
      }
      : undefined,
    derivedNames,
  };
}

// ---------------------------------------------------------------------------------------------
// Cluster — postgresql.cnpg.io/v1 (cloudnative-pg/cloudnative-pg).
// Upstream: pkg/specs/pods.go (buildInstance labels, GetPodSecurityContext, createPostgresContainers
// with startup/readiness/liveness probes), pkg/specs/containers.go (createBootstrapContainer,
// GetSecurityContext), pkg/utils/labels_annotations.go (cnpg.io/* label names). PVCs get the
// Cluster as owner (SetInheritedDataAndOwnership), so they are deleted with it.
// ---------------------------------------------------------------------------------------------

function cnpgPodView(cluster: Json): PodView {
  const name = nameOf(cluster);
  const spec = obj(cluster.spec);
  const seccomp = isPlainObject(spec.seccompProfile) ? spec.seccompProfile : { type: 'RuntimeDefault' };
  const uid = Number(spec.postgresUID ?? 26);
  const gid = Number(spec.postgresGID ?? 26);
  // GetPodSecurityContext: the override wins field by field; runAsUser/runAsGroup/seccomp fall back to the defaults.
  const podDefault = { seccompProfile: seccomp, runAsUser: uid, runAsGroup: gid, runAsNonRoot: true, fsGroup: gid };
  const podOverride = obj(spec.podSecurityContext);
  const podSecurity = isPlainObject(spec.podSecurityContext)
    ? { ...podOverride, runAsUser: podOverride.runAsUser ?? uid, runAsGroup: podOverride.runAsGroup ?? gid, seccompProfile: podOverride.seccompProfile ?? seccomp }
    : podDefault;
  // GetSecurityContext: defaults for every field the override leaves unset.
  const containerDefault: Json = {
    seccompProfile: seccomp, capabilities: { drop: ['ALL'] }, privileged: false, runAsNonRoot: true,
    readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
  };
  const containerSecurity: Json = { ...containerDefault };
  for (const [k, v] of Object.entries(obj(spec.securityContext))) if (v !== undefined && v !== null) containerSecurity[k] = v;
  const resources = obj(spec.resources);
  const paths: ContainerPaths = {
    securityContext: 'spec.securityContext', resources: 'spec.resources', image: 'spec.imageName', probes: 'spec.probes', env: 'spec.env', ports: 'spec',
  };
  const httpProbe = { httpGet: { path: '/healthz', port: 8000 } };
  const containers: ContainerView[] = [
    {
      name: 'bootstrap-controller', role: 'init', at: paths, operatorImage: true,
      spec: { name: 'bootstrap-controller', image: 'operator image', securityContext: containerSecurity, resources },
    },
    {
      name: 'postgres', role: 'main', at: paths,
      spec: {
        name: 'postgres', image: spec.imageName, securityContext: containerSecurity, resources,
        startupProbe: httpProbe, readinessProbe: httpProbe, livenessProbe: httpProbe, env: list(spec.env),
      },
    },
  ];
  const inherited = stringMap(obj(spec.inheritedMetadata).labels);
  const instances = Number(spec.instances ?? 1);
  const volumes: Json[] = [{ name: 'pgdata', persistentVolumeClaim: {} }, { name: 'scratch-data', emptyDir: {} }, { name: 'shm', emptyDir: {} }];
  if (isPlainObject(spec.walStorage)) volumes.push({ name: 'pg-wal', persistentVolumeClaim: {} });
  if (isPlainObject(spec.projectedVolumeTemplate)) volumes.push({ name: 'projected', projected: spec.projectedVolumeTemplate });
  if (isPlainObject(spec.ephemeralVolumeSource)) volumes.push({ name: 'ephemeral', ephemeral: spec.ephemeralVolumeSource });
  return {
    object: `Cluster/${name}`,
    kind: 'Cluster',
    description: 'PostgreSQL instance pods created by CloudNativePG',
    operator: 'cloudnative-pg',
    spec: { securityContext: podSecurity, serviceAccountName: str(spec.serviceAccountName) ?? name, volumes },
    at: { securityContext: 'spec.podSecurityContext', spec: 'spec', labels: 'spec.inheritedMetadata.labels' },
    labels: {
      ...inherited,
      'cnpg.io/cluster': name,
      'cnpg.io/podRole': 'instance',
      'app.kubernetes.io/name': 'postgresql',
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/component': 'database',
      'app.kubernetes.io/managed-by': 'cloudnative-pg',
    },
    dynamicLabelKeys: ['cnpg.io/instanceName', 'cnpg.io/instanceRole', 'role', 'app.kubernetes.io/version'],
    replicas: instances,
    longRunning: true,
    containers,
    // The instance manager inside every pod reads its Cluster and writes its status through the API.
    serviceAccountTokenRequiredBy: 'the CloudNativePG instance manager in each pod talks to the Kubernetes API',
    operatorPodDisruptionBudget: spec.enablePDB !== false,
    volumeClaims: {
      retained: keptByHelm(cluster),
      at: `metadata.annotations["${HELM_KEEP_ANNOTATION}"]`,
      why: 'CloudNativePG makes the Cluster the owner of its PVCs, so they are deleted with it unless Helm keeps the Cluster',
    },
    derivedNames: [
      { kind: 'Pod', name: `${name}-${Math.max(1, instances)}`, maxLength: 63, why: 'pod names are host names (DNS labels)' },
      { kind: 'Service', name: `${name}-rw`, maxLength: 63, why: 'Service names are DNS labels' },
      { kind: 'Service', name: `${name}-ro`, maxLength: 63, why: 'Service names are DNS labels' },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// RabbitmqCluster — rabbitmq.com/v1beta1 (rabbitmq/cluster-operator).
// Upstream: internal/resource/statefulset.go (podTemplateSpec: pod securityContext fsGroup 0 and
// runAsUser 999, no container securityContext, setup-container init container with fixed
// resources, TCP readiness probe and no liveness probe, automountServiceAccountToken true;
// applyStsOverride + patchPodSpec: spec.override.statefulSet.spec.template is a strategic merge
// patch over that template), internal/metadata/label.go (Label: name/component/part-of).
// PVCs get the RabbitmqCluster as controller owner, so they are deleted with it. The operator
// creates no PodDisruptionBudget.
// ---------------------------------------------------------------------------------------------

/** Keys that identify list items in a strategic merge patch of a PodSpec (the ones that matter here). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', volumes: 'name', env: 'name',
  volumeMounts: 'mountPath', ports: 'containerPort', imagePullSecrets: 'name',
};

/** A strategic merge patch, as far as PodSpecs need it: maps merge, keyed lists merge by key, other lists replace. */
export function strategicMerge(base: unknown, patch: unknown, field = ''): unknown {
  if (patch === null) return undefined;
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(base)) return patch;
    const out = [...base];
    for (const item of patch) {
      const at = isPlainObject(item) ? out.findIndex((b) => isPlainObject(b) && b[key] === item[key]) : -1;
      if (at >= 0) out[at] = strategicMerge(out[at], item);
      else out.push(item);
    }
    return out;
  }
  if (!isPlainObject(patch) || !isPlainObject(base)) return patch;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const merged = strategicMerge(base[k], v, k);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

function rabbitPodView(cluster: Json): PodView {
  const name = nameOf(cluster);
  const spec = obj(cluster.spec);
  const resources = isPlainObject(spec.resources)
    ? spec.resources
    : { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } }; // the CRD's defaults
  const operatorSpec: Json = {
    securityContext: { fsGroup: 0, runAsUser: 999 },
    serviceAccountName: `${name}-server`,
    automountServiceAccountToken: true,
    initContainers: [{
      name: 'setup-container', image: spec.image,
      resources: { limits: { cpu: '100m', memory: '500Mi' }, requests: { cpu: '100m', memory: '500Mi' } },
    }],
    containers: [{
      name: 'rabbitmq', image: spec.image, resources,
      readinessProbe: { tcpSocket: { port: 'amqp' } },
    }],
    volumes: [
      { name: 'plugins-conf', configMap: {} }, { name: 'rabbitmq-confd', projected: {} }, { name: 'rabbitmq-erlang-cookie', emptyDir: {} },
      { name: 'erlang-cookie-secret', secret: {} }, { name: 'rabbitmq-plugins', emptyDir: {} }, { name: 'pod-info', downwardAPI: {} },
    ],
  };
  const override = obj(obj(spec.override).statefulSet);
  const template = obj(obj(override.spec).template);
  const overrideSpec = template.spec;
  const podSpec = obj(isPlainObject(overrideSpec) ? strategicMerge(operatorSpec, overrideSpec) : operatorSpec);
  // An empty securityContext in the override removes the operator's (patchPodSpec special case).
  if (isPlainObject(overrideSpec) && isPlainObject(overrideSpec.securityContext) && Object.keys(overrideSpec.securityContext).length === 0) delete podSpec.securityContext;
  const overrideContainers = (field: string) => list(obj(overrideSpec)[field]);
  const base = 'spec.override.statefulSet.spec.template.spec';
  const containers = containersOf(podSpec, base).map((c) => {
    const field = c.role === 'init' ? 'initContainers' : c.role === 'main' ? 'containers' : 'ephemeralContainers';
    const index = overrideContainers(field).findIndex((o) => o.name === c.name);
    const where = index >= 0 ? `${base}.${field}[${index}]` : base;
    const operatorOwn = c.name === 'rabbitmq' || c.name === 'setup-container';
    const at: ContainerPaths = {
      ...containerPaths(where),
      // The operator's containers take the image (and the main one its resources) from the spec.
      ...(operatorOwn && !overrideContainers(field)[index]?.image ? { image: 'spec.image' } : {}),
      ...(c.name === 'rabbitmq' && !overrideContainers(field)[index]?.resources ? { resources: 'spec.resources' } : {}),
    };
    return { ...c, at };
  });
  const replicas = Number(obj(override.spec).replicas ?? spec.replicas ?? 1);
  const persistence = obj(spec.persistence);
  const storage = persistence.storage;
  const hasClaims = storage === undefined || !/^0+(\.0+)?([KMGTPE]i?)?$/.test(String(storage));
  return {
    object: `RabbitmqCluster/${name}`,
    kind: 'RabbitmqCluster',
    description: 'RabbitMQ pods created by the RabbitMQ cluster operator',
    operator: 'rabbitmq-cluster-operator',
    spec: podSpec,
    at: { securityContext: `${base}.securityContext`, spec: base, labels: 'spec.override.statefulSet.spec.template.metadata.labels' },
    labels: {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/component': 'rabbitmq',
      'app.kubernetes.io/part-of': 'rabbitmq',
      ...stringMap(obj(template.metadata).labels),
    },
    dynamicLabelKeys: [],
    replicas,
    longRunning: true,
    containers,
    // rabbitmq_peer_discovery_k8s lists the cluster's endpoints through the API to form the cluster.
    serviceAccountTokenRequiredBy: 'RabbitMQ peer discovery queries the Kubernetes API for the cluster members',
    operatorPodDisruptionBudget: false,
    volumeClaims: hasClaims
      ? {
        retained: keptByHelm(cluster),
        at: `metadata.annotations["${HELM_KEEP_ANNOTATION}"]`,
        why: 'the cluster operator makes the RabbitmqCluster the owner of its PVCs, so they are deleted with it unless Helm keeps it',
      }
      : undefined,
    derivedNames: [
      { kind: 'StatefulSet', name: `${name}-server`, maxLength: STATEFULSET_NAME_MAX, why: `StatefulSet pods carry controller-revision-hash: <name>-<hash> (at most ${STATEFULSET_NAME_MAX} characters for the name)` },
      { kind: 'Pod', name: `${name}-server-${Math.max(0, replicas - 1)}`, maxLength: 63, why: 'pod names are host names (DNS labels)' },
      { kind: 'Service', name: `${name}-nodes`, maxLength: 63, why: 'Service names are DNS labels' },
    ],
  };
}

/** Pod sources among custom resources, by `apiVersion/kind`. */
export const OPERATOR_POD_SOURCES: Readonly<Record<string, (resource: Json) => PodView[]>> = {
  'databases.spotahome.com/v1/RedisFailover': (rf) => [redisPodView(rf, 'redis'), redisPodView(rf, 'sentinel')],
  'postgresql.cnpg.io/v1/Cluster': (c) => [cnpgPodView(c)],
  'rabbitmq.com/v1beta1/RabbitmqCluster': (c) => [rabbitPodView(c)],
};

/** The pods one rendered object will run (none for objects that run no pods). */
export function podViewsOf(object: Json): PodView[] {
  const operator = OPERATOR_POD_SOURCES[`${String(object.apiVersion)}/${String(object.kind)}`];
  return operator ? operator(object) : builtinViews(object);
}

/** The pods a whole render will run. */
export function podViews(objects: readonly Json[]): PodView[] {
  return objects.flatMap(podViewsOf);
}

/** Does a label selector (`matchLabels` + `matchExpressions`) select the pods of a view? */
export type SelectorMatch = 'all' | 'some' | 'none';

function matchExpression(expr: Json, labels: Readonly<Record<string, string>>, dynamic: readonly string[]): SelectorMatch {
  const key = String(expr.key);
  const values = (Array.isArray(expr.values) ? expr.values : []).map(String);
  if (dynamic.includes(key)) return 'some';
  const has = key in labels;
  const value = labels[key];
  switch (expr.operator) {
    case 'In':
      return has && values.includes(value!) ? 'all' : 'none';
    case 'NotIn':
      return has && values.includes(value!) ? 'none' : 'all';
    case 'Exists':
      return has ? 'all' : 'none';
    case 'DoesNotExist':
      return has ? 'none' : 'all';
    default:
      return 'none';
  }
}

/** How a selector matches the pods of a view; labels the operator sets per pod make a match partial. */
export function selectorMatch(selector: Json, view: Pick<PodView, 'labels' | 'dynamicLabelKeys'>): SelectorMatch {
  let result: SelectorMatch = 'all';
  const weaken = (m: SelectorMatch) => {
    if (m === 'none') result = 'none';
    else if (m === 'some' && result === 'all') result = 'some';
  };
  for (const [k, v] of Object.entries(stringMap(selector.matchLabels))) {
    if (view.dynamicLabelKeys.includes(k)) weaken('some');
    else weaken(view.labels[k] === v ? 'all' : 'none');
  }
  for (const expr of list(selector.matchExpressions)) weaken(matchExpression(expr, view.labels, view.dynamicLabelKeys));
  return result;
}
