/**
 * Upgrade safety without keeping old charts around: the "upgrade fingerprint" of a package
 * version is, for its defaults and a fixed set of sample values (upgrade-samples.ts), the identity
 * of every rendered object and the fields Kubernetes refuses to change in place. A later version is
 * rendered with the same values and compared: a changed immutable field makes `helm upgrade` fail,
 * and an object that is no longer rendered (renamed or removed) is deleted by the upgrade — with
 * its data, for volumes and credentials. Both need a major version.
 *
 * Rendering uses the concrete renderer, which is proven equivalent to `helm template`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CompiledPackage } from '../../constructs/compiler/compile';
import { renderConcrete } from '../../constructs/compiler/render';
import { sha256 } from './build';
import { sampleValueSets } from './upgrade-samples';

/** Release the fingerprints are rendered for (names derive from it, so it must never change). */
export const FINGERPRINT_RELEASE = { name: 'release', namespace: 'default' } as const;

/**
 * Fields that cannot change on update, per `group/Kind` ('' = core group): the API server refuses
 * them (built-in kinds), or the operator cannot apply them (custom resources, noted below).
 * Only these are recorded; every other field may change in any version.
 */
export const IMMUTABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'apps/StatefulSet': ['spec.selector', 'spec.serviceName', 'spec.volumeClaimTemplates', 'spec.podManagementPolicy'],
  'apps/Deployment': ['spec.selector'],
  'apps/DaemonSet': ['spec.selector'],
  'apps/ReplicaSet': ['spec.selector'],
  'batch/Job': ['spec.selector', 'spec.template', 'spec.completionMode'],
  '/Service': ['spec.clusterIP'],
  '/PersistentVolumeClaim': ['spec.storageClassName', 'spec.accessModes', 'spec.volumeMode', 'spec.selector', 'spec.volumeName', 'spec.dataSource'],
  '/Secret': ['type'],
  'storage.k8s.io/StorageClass': ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'],
  'rbac.authorization.k8s.io/RoleBinding': ['roleRef'],
  'rbac.authorization.k8s.io/ClusterRoleBinding': ['roleRef'],
  // Operators copy these into their StatefulSets' volume claim templates: a change there makes the
  // operator's update fail or is silently ignored, so it is as immutable as the template itself.
  'databases.spotahome.com/RedisFailover': ['spec.redis.storage.persistentVolumeClaim'],
  'rabbitmq.com/RabbitmqCluster': ['spec.persistence.storageClassName'],
};

/** ConfigMaps and Secrets marked `immutable: true` cannot change their data either. */
const IMMUTABLE_DATA_FIELDS = ['data', 'binaryData', 'stringData'];

/** Recorded values longer than this are stored as a digest, to keep the lock file readable. */
const MAX_INLINE = 240;

/** Immutable field path → its value (or `sha256:` of its canonical JSON). */
export type ImmutableFields = Record<string, unknown>;

/** One value set and what it rendered. */
export interface FingerprintCase {
  readonly case: string;
  readonly values: Record<string, unknown>;
  /** Object identity (`Kind.group/name`) → its immutable fields. */
  readonly objects: Record<string, ImmutableFields>;
}

/** One reason an upgrade from a recorded version would fail or lose objects. */
export interface UpgradeProblem {
  /** The value set (`defaults`, `toggled`, ...). */
  readonly case: string;
  /** `Kind.group/name`, or '' when the values themselves are refused. */
  readonly object: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function recorded(value: unknown): unknown {
  const text = canonical(value);
  return text.length > MAX_INLINE ? `sha256:${sha256(text)}` : JSON.parse(text);
}

function groupOf(apiVersion: unknown): string {
  const text = String(apiVersion ?? '');
  return text.includes('/') ? text.slice(0, text.indexOf('/')) : '';
}

/** `Kind.group/name` (`Kind/name` for the core group): stable across API versions of a kind. */
export function objectId(object: Json): string {
  const group = groupOf(object.apiVersion);
  const name = (object.metadata as Json | undefined)?.name;
  return `${String(object.kind)}${group ? `.${group}` : ''}/${String(name)}`;
}

function at(object: Json, path: string): unknown {
  let node: unknown = object;
  for (const key of path.split('.')) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
  return node;
}

function isHook(object: Json): boolean {
  const annotations = (object.metadata as Json | undefined)?.annotations as Json | undefined;
  // Helm deletes and recreates hook objects instead of updating them.
  return Boolean(annotations && 'helm.sh/hook' in annotations);
}

/** The immutable fields of one rendered object (absent fields are left out). */
export function immutableFieldsOf(object: Json): ImmutableFields {
  if (isHook(object)) return {};
  const paths = [...(IMMUTABLE_FIELDS[`${groupOf(object.apiVersion)}/${String(object.kind)}`] ?? [])];
  if ((object.kind === 'ConfigMap' || object.kind === 'Secret') && groupOf(object.apiVersion) === '' && object.immutable === true) {
    paths.push(...IMMUTABLE_DATA_FIELDS);
  }
  const out: ImmutableFields = {};
  for (const path of paths) {
    const value = at(object, path);
    if (value !== undefined && value !== null) out[path] = recorded(value);
  }
  return out;
}

function objectsOf(rendered: readonly Json[]): Record<string, ImmutableFields> {
  const entries = rendered.map((o) => [objectId(o), immutableFieldsOf(o)] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function render(compiled: CompiledPackage, values: Record<string, unknown>): { objects: Json[] } | { error: string } {
  try {
    return { objects: renderConcrete(compiled, structuredClone(values), FINGERPRINT_RELEASE) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The fingerprint of a compiled package: its defaults and every sample value set it accepts. */
export function upgradeFingerprint(compiled: CompiledPackage): FingerprintCase[] {
  const cases: FingerprintCase[] = [];
  for (const sample of sampleValueSets(compiled.schema, (values) => 'objects' in render(compiled, values))) {
    const result = render(compiled, sample.values);
    if ('objects' in result) cases.push({ case: sample.name, values: sample.values, objects: objectsOf(result.objects) });
  }
  return cases;
}

function describeCase(c: FingerprintCase): string {
  return c.case === 'defaults' ? 'with the defaults' : `with the '${c.case}' sample values`;
}

/**
 * Renders `compiled` with every value set of an earlier version's fingerprint and lists what would
 * break an upgrade from that version: values refused, objects gone, immutable fields changed.
 */
export function upgradeProblems(previous: readonly FingerprintCase[], compiled: CompiledPackage): UpgradeProblem[] {
  // One problem per object and field: the first value set that shows it is named.
  const found = new Map<string, UpgradeProblem>();
  const report = (key: string, problem: UpgradeProblem) => {
    if (!found.has(key)) found.set(key, problem);
  };
  for (const before of previous) {
    const result = render(compiled, before.values);
    if ('error' in result) {
      report(`values\0${before.case}`, { case: before.case, object: '', message: `values accepted before are refused ${describeCase(before)}: ${result.error}` });
      continue;
    }
    const after = objectsOf(result.objects);
    const added = Object.keys(after).filter((id) => !(id in before.objects));
    for (const [id, fields] of Object.entries(before.objects)) {
      const now = after[id];
      if (!now) {
        const kind = id.slice(0, id.indexOf('/'));
        const candidates = added.filter((a) => a.startsWith(`${kind}/`));
        const hint = candidates.length ? ` (renamed to ${candidates.join(' or ')}?)` : '';
        report(`${id}\0`, { case: before.case, object: id, message: `${id} is no longer rendered ${describeCase(before)}${hint}; the upgrade would delete it` });
        continue;
      }
      for (const path of new Set([...Object.keys(fields), ...Object.keys(now)])) {
        if (isDeepStrictEqual(fields[path], now[path])) continue;
        const from = JSON.stringify(fields[path] ?? null);
        const to = JSON.stringify(now[path] ?? null);
        const change = from.length + to.length <= 120 ? ` (${from} → ${to})` : '';
        report(`${id}\0${path}`, { case: before.case, object: id, message: `${id} changes immutable field ${path}${change} ${describeCase(before)}` });
      }
    }
  }
  return [...found.values()];
}
