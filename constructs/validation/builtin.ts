/**
 * Built-in kinds against the Kubernetes OpenAPI schema compiled into `kubernetes-models`, made
 * strict about unknown fields (the package's validators never report them).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { type ErrorObject } from 'ajv';
import { Json, ObjectProblem, problemsFromErrors, renderPath, unknownField } from './problems';

/**
 * kubernetes-models ships precompiled ajv validators without `additionalProperties: false`, so on
 * their own they accept any unknown field. Their generated code reads every declared property of
 * an object (`data.replicas === undefined || ...`) and enumerates the keys of maps only. Validating
 * a proxy that records those reads therefore tells, per object, which fields the schema declares:
 * an object whose properties were read but whose keys were never enumerated is a closed struct,
 * and any own key that was not read is unknown. Free-form objects (RawExtension, JSON) are never
 * read and are left alone.
 */
export interface AccessRecord {
  readonly target: object;
  readonly segments: readonly string[];
  readonly read: Set<string>;
  enumerated: boolean;
  proxy: object;
}

export function trackAccess(root: Json): { proxy: Json; records: Map<string, AccessRecord> } {
  const records = new Map<string, AccessRecord>();
  // Records are keyed by path, not by object, so an object shared by two places is judged per place.
  const wrap = (target: unknown, segments: readonly string[]): unknown => {
    if (typeof target !== 'object' || target === null) return target;
    const id = JSON.stringify(segments);
    const existing = records.get(id);
    if (existing && existing.target === target) return existing.proxy;
    const record: AccessRecord = { target, segments, read: new Set(), enumerated: false, proxy: target };
    record.proxy = new Proxy(target, {
      get(t, key, receiver) {
        const value = Reflect.get(t, key, receiver);
        if (typeof key !== 'string') return value;
        record.read.add(key);
        return Object.prototype.hasOwnProperty.call(t, key) ? wrap(value, [...segments, key]) : value;
      },
      ownKeys(t) {
        record.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    records.set(id, record);
    return record.proxy;
  };
  return { proxy: wrap(root, []) as Json, records };
}

/** A model class of kubernetes-models: statics name what it models, `validate` throws with ajv errors. */
export interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(): void };
}

export const requireHere = createRequire(__filename);

export const KUBERNETES_MODELS_ROOT = (() => {
  try {
    return join(requireHere.resolve('kubernetes-models/package.json'), '..');
  } catch {
    return undefined;
  }
})();

export type BuiltinLookup = { readonly model: ModelClass } | { readonly reason: string } | undefined;
export const builtinCache = new Map<string, BuiltinLookup>();

/**
 * The kubernetes-models class for an apiVersion/kind; `undefined` when the group is not a
 * Kubernetes API group (then the object is a custom resource), a reason when the group is
 * built-in but kubernetes-models lacks the version or kind.
 */
export function builtinModel(group: string, version: string, kind: string): BuiltinLookup {
  const key = `${group}/${version}/${kind}`;
  if (builtinCache.has(key)) return builtinCache.get(key);
  const result = findBuiltinModel(group, version, kind);
  builtinCache.set(key, result);
  return result;
}

export function findBuiltinModel(group: string, version: string, kind: string): BuiltinLookup {
  if (!KUBERNETES_MODELS_ROOT) return group === '' ? { reason: 'the kubernetes-models package is not installed' } : undefined;
  // Names become module paths: allow only what API groups, versions and kinds look like.
  if (!/^[a-z0-9][a-z0-9.-]*$|^$/.test(group) || !/^v[a-z0-9]+$/.test(version) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return group === '' ? { reason: `apiVersion ${version} / kind ${kind} is not a valid Kubernetes type name` } : undefined;
  }
  const groupDir = group === '' ? KUBERNETES_MODELS_ROOT : join(KUBERNETES_MODELS_ROOT, group);
  if (group !== '' && (group === '_schemas' || !existsSync(join(groupDir, 'index.js')))) return undefined;
  const apiVersion = group === '' ? version : `${group}/${version}`;
  try {
    const exported = requireHere(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, unknown>;
    const candidate = exported[kind];
    const model = typeof candidate === 'function' ? (candidate as unknown as ModelClass) : undefined;
    // Sub-structures (DeploymentSpec) live next to kinds; only classes naming this apiVersion/kind are kinds.
    if (model && model.apiVersion === apiVersion && model.kind === kind) return { model };
  } catch {
    // not provided: explained below
  }
  const known = readdirSync(groupDir)
    .filter((v) => /^v\d/.test(v) && existsSync(join(groupDir, v, `${kind}.js`)))
    .map((v) => (group === '' ? v : `${group}/${v}`));
  const models = `kubernetes-models ${(requireHere('kubernetes-models/package.json') as { version: string }).version}`;
  return {
    reason: known.length
      ? `${apiVersion} has no kind ${kind} in ${models}; ${kind} exists in ${known.join(', ')}`
      : `${models} has no kind ${kind} in the built-in API group ${group || 'core'}`,
  };
}

export function validateBuiltin(object: string, data: Json, model: ModelClass): ObjectProblem[] {
  const { proxy, records } = trackAccess(data);
  let errors: ErrorObject[] = [];
  try {
    model.prototype.validate.call(proxy);
  } catch (error) {
    const list = (error as { errors?: unknown }).errors;
    if (!Array.isArray(list)) throw error;
    errors = list as ErrorObject[];
  }
  const problems = problemsFromErrors(object, data, errors, {
    // Each branch is a separate precompiled function with its own schema paths; the only
    // combinators in the Kubernetes schema are int-or-string and quantity (type/format branches).
    inBranch: (_alt, e) => e.keyword === 'type' || e.keyword === 'format',
    allowed: () => [],
  });
  for (const record of records.values()) {
    if (Array.isArray(record.target) || record.enumerated || record.read.size === 0) continue;
    const allowed = [...record.read];
    for (const [key, value] of Object.entries(record.target)) {
      if (value === undefined || record.read.has(key)) continue;
      problems.push({ object, path: renderPath([...record.segments, key]), message: unknownField(key, allowed) });
    }
  }
  return problems;
}
