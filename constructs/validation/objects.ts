/**
 * Validation of rendered Kubernetes objects (what `helm template` or the concrete renderer emits)
 * before they reach a cluster. Built-in kinds are checked against the Kubernetes OpenAPI schema
 * compiled into `kubernetes-models`; custom resources against the upstream CRD schemas in the
 * shared CRD folder. Both are strict about unknown fields: the API server prunes (CRDs) or drops
 * (built-ins) fields it does not know, so an unknown field is a setting the chart silently loses.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/** One problem with one object. `path` is dotted (`spec.template.spec.containers[0].image`), '' for the root. */
export interface ObjectProblem {
  /** `Kind/name` of the object. */
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

export interface ValidationReport {
  readonly problems: ObjectProblem[];
  /** Objects that could not be validated, with the reason (e.g. no CRD for group/version/kind, CRD folder missing). */
  readonly unvalidated: { readonly object: string; readonly reason: string }[];
}

export interface ValidateObjectsOptions {
  /** Folder of upstream CRDs (`<api-group>/<plural>.yaml`); defaults to {@link crdDirectory}. */
  readonly crdDir?: string;
}

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Paths and messages shared by both engines
// ---------------------------------------------------------------------------------------------

/** Dotted path; keys that are not identifiers (`helm.sh/hook`) are quoted so the path stays unambiguous. */
function renderPath(segments: readonly string[]): string {
  let path = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text !== undefined && text.length > 60 ? `${text.slice(0, 57)}...` : String(text);
}

function dataAt(data: unknown, segments: readonly string[]): unknown {
  let node = data;
  for (const key of segments) node = isPlainObject(node) || Array.isArray(node) ? (node as Json)[key] : undefined;
  return node;
}

/** Edit distance, to suggest the field that was probably meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** "unknown field", with the likely intended field and, when short, the list of allowed ones. */
function unknownField(key: string, allowed: readonly string[]): string {
  if (allowed.length === 0) {
    return 'unknown field; this object takes no fields (its schema declares none, so the API server would prune it)';
  }
  const best = allowed
    .map((name) => ({ name, d: name.toLowerCase() === key.toLowerCase() ? 0 : distance(name, key) }))
    .sort((a, b) => a.d - b.d)[0]!;
  const hint = best.d <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean ${best.name}?` : '';
  const list = allowed.length <= 15 ? `; allowed here: ${[...allowed].sort().join(', ')}` : '';
  return `unknown field${hint}${list}`;
}

const FORMAT_WORDS: Record<string, string> = {
  quantity: 'a quantity such as 500m or 1Gi',
  byte: 'base64 text',
  'date-time': 'an RFC 3339 date-time',
};

function formatWord(format: string): string {
  return FORMAT_WORDS[format] ?? `a string in format ${format}`;
}

/** Message for one ajv error (both engines produce ajv errors). */
function messageOf(error: ErrorObject, data: unknown): string {
  const got = show(data);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const types = Array.isArray(p.type) ? p.type : String(p.type).split(',');
      return `must be ${types.join(' or ')} (got ${got})`;
    }
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : show(v))).join(', ')} (got ${got})`;
    case 'const':
      return `must be ${show(p.allowedValue)} (got ${got})`;
    case 'required':
      return 'is required';
    case 'pattern':
      return `must match ${String(p.pattern)} (got ${got})`;
    case 'format':
      return `must be ${formatWord(String(p.format))} (got ${got})`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)} (got ${got})`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)} (got ${got})`;
    case 'minLength':
      return `must have at least ${String(p.limit)} characters (got ${got})`;
    case 'maxLength':
      return `must have at most ${String(p.limit)} characters (got ${got})`;
    case 'minItems':
      return `must have at least ${String(p.limit)} items (got ${Array.isArray(data) ? data.length : got})`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items (got ${Array.isArray(data) ? data.length : got})`;
    case 'minProperties':
      return `must set at least ${String(p.limit)} field${p.limit === 1 ? '' : 's'}`;
    case 'maxProperties':
      return `must set at most ${String(p.limit)} field${p.limit === 1 ? '' : 's'}`;
    case 'uniqueItems':
      return `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`;
    case 'not':
      return `value not allowed here (got ${got})`;
    default:
      return `${error.message ?? 'is invalid'} (got ${got})`;
  }
}

/**
 * Turns ajv errors into problems. An `anyOf`/`oneOf` that failed is reported once, with the
 * alternatives (`must be string or integer`), instead of one line per failed branch.
 */
function problemsFromErrors(
  object: string,
  data: unknown,
  errors: readonly ErrorObject[],
  engine: {
    /** Whether `error` comes from a branch of the failed `anyOf`/`oneOf` `alt`. */
    readonly inBranch: (alt: ErrorObject, error: ErrorObject) => boolean;
    /** Fields the object holding an `additionalProperties` error declares. */
    readonly allowed: (error: ErrorObject) => readonly string[];
  },
): ObjectProblem[] {
  const problems: ObjectProblem[] = [];
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const consumed = new Set<ErrorObject>();
  for (const alt of alternatives) {
    const branch = errors.filter((e) => e !== alt && e.instancePath === alt.instancePath && engine.inBranch(alt, e));
    for (const e of branch) consumed.add(e);
    const segments = pointerSegments(alt.instancePath);
    const value = dataAt(data, segments);
    const got = show(value);
    let message: string;
    if (branch.length > 0 && branch.every((e) => e.keyword === 'type' || e.keyword === 'format')) {
      const types = [...new Set(branch.filter((e) => e.keyword === 'type').flatMap((e) => String(e.params.type).split(',')))];
      const formats = [...new Set(branch.filter((e) => e.keyword === 'format').map((e) => String(e.params.format)))]
        // int32/int64/double only narrow a numeric type that is already listed.
        .filter((f) => !['int32', 'int64', 'float', 'double'].includes(f));
      const words = [...formats.map(formatWord), ...types.filter((t) => !(formats.length && t === 'string'))];
      message = `must be ${words.join(formats.length ? ', or ' : ' or ')} (got ${got})`;
    } else if (branch.length > 0 && branch.every((e) => e.keyword === 'required')) {
      const fields = [...new Set(branch.map((e) => String(e.params.missingProperty)))];
      message = `must set ${alt.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of ${fields.join(', ')}`;
    } else if (alt.keyword === 'oneOf' && Array.isArray(alt.params.passingSchemas)) {
      message = `matches more than one of the allowed alternatives (${(alt.params.passingSchemas as number[]).length} match); it must match exactly one`;
    } else {
      const details = [...new Set(branch.map((e) => messageOf(e, dataAt(data, pointerSegments(e.instancePath)))))];
      message = `matches none of the allowed alternatives${details.length ? ` (${details.join('; ')})` : ''} (got ${got})`;
    }
    problems.push({ object, path: renderPath(segments), message });
  }
  for (const error of errors) {
    if (consumed.has(error) || error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const segments = pointerSegments(error.instancePath);
    const value = dataAt(data, segments);
    if (error.keyword === 'additionalProperties') {
      const key = String(error.params.additionalProperty);
      problems.push({ object, path: renderPath([...segments, key]), message: unknownField(key, engine.allowed(error)) });
    } else if (error.keyword === 'required') {
      problems.push({ object, path: renderPath([...segments, String(error.params.missingProperty)]), message: 'is required' });
    } else if (error.keyword === LIST_MAP_KEYS) {
      problems.push({ object, path: renderPath([...segments, String(error.params.index)]), message: String(error.message) });
    } else {
      problems.push({ object, path: renderPath(segments), message: messageOf(error, value) });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Built-in kinds: kubernetes-models
// ---------------------------------------------------------------------------------------------

/**
 * kubernetes-models ships precompiled ajv validators without `additionalProperties: false`, so on
 * their own they accept any unknown field. Their generated code reads every declared property of
 * an object (`data.replicas === undefined || ...`) and enumerates the keys of maps only. Validating
 * a proxy that records those reads therefore tells, per object, which fields the schema declares:
 * an object whose properties were read but whose keys were never enumerated is a closed struct,
 * and any own key that was not read is unknown. Free-form objects (RawExtension, JSON) are never
 * read and are left alone.
 */
interface AccessRecord {
  readonly target: object;
  readonly segments: readonly string[];
  readonly read: Set<string>;
  enumerated: boolean;
  proxy: object;
}

function trackAccess(root: Json): { proxy: Json; records: Map<string, AccessRecord> } {
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
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(): void };
}

const requireHere = createRequire(__filename);

const KUBERNETES_MODELS_ROOT = (() => {
  try {
    return join(requireHere.resolve('kubernetes-models/package.json'), '..');
  } catch {
    return undefined;
  }
})();

type BuiltinLookup = { readonly model: ModelClass } | { readonly reason: string } | undefined;
const builtinCache = new Map<string, BuiltinLookup>();

/**
 * The kubernetes-models class for an apiVersion/kind; `undefined` when the group is not a
 * Kubernetes API group (then the object is a custom resource), a reason when the group is
 * built-in but kubernetes-models lacks the version or kind.
 */
function builtinModel(group: string, version: string, kind: string): BuiltinLookup {
  const key = `${group}/${version}/${kind}`;
  if (builtinCache.has(key)) return builtinCache.get(key);
  const result = findBuiltinModel(group, version, kind);
  builtinCache.set(key, result);
  return result;
}

function findBuiltinModel(group: string, version: string, kind: string): BuiltinLookup {
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

function validateBuiltin(object: string, data: Json, model: ModelClass): ObjectProblem[] {
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

// ---------------------------------------------------------------------------------------------
// Custom resources: the CRD folder
// ---------------------------------------------------------------------------------------------

/** Project root: the folder holding package.json (this file lives in constructs/validation or dist/...). */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = join(dir, '..');
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** The CRD folder: `HEARTH_CRDS`, else `<project root>/../shared/crds`. */
export function crdDirectory(): { dir: string; exists: boolean } {
  const dir = resolve(process.env.HEARTH_CRDS || join(projectRoot(), '..', 'shared', 'crds'));
  return { dir, exists: existsSync(dir) && statSync(dir).isDirectory() };
}

/**
 * KubeVirt creates these CRDs at runtime, so the folder holds only their `openAPIV3Schema`
 * (`<plural>[.<tag>].openapi.yaml`); group, version and kind come from the folder's PROVENANCE.md.
 */
const OPENAPI_KINDS: Record<string, { readonly version: string; readonly kind: string }> = {
  'kubevirt.io/virtualmachines': { version: 'v1', kind: 'VirtualMachine' },
  'kubevirt.io/virtualmachineinstances': { version: 'v1', kind: 'VirtualMachineInstance' },
  'instancetype.kubevirt.io/virtualmachineclusterinstancetypes': { version: 'v1beta1', kind: 'VirtualMachineClusterInstancetype' },
  'instancetype.kubevirt.io/virtualmachineclusterpreferences': { version: 'v1beta1', kind: 'VirtualMachineClusterPreference' },
};

interface CrdFile {
  readonly path: string;
  /** The plural the file is named after (`talosconfigtemplates`). */
  readonly stem: string;
  /** A version-suffixed twin (`talosconfigtemplates.v0.6.12.yaml`), used only when no unsuffixed file serves the kind. */
  readonly suffixed: boolean;
  readonly openapi: boolean;
}

interface CrdEntry {
  readonly file: string;
  readonly suffixed: boolean;
  readonly schema: Json;
  compiled?: ValidateFunction | Error;
}

type CrdLookup = { readonly entry: CrdEntry } | { readonly reason: string };

/**
 * (group, version, kind) → schema for one CRD folder. The folder listing (group → files) is read
 * once; a YAML file is parsed only when a kind of its group is asked for, trying the files named
 * after the kind's likely plural first, because the large CRDs take most of the time to parse.
 */
class CrdIndex {
  readonly exists: boolean;
  private readonly filesByGroup = new Map<string, CrdFile[]>();
  private readonly loaded = new Set<string>();
  private readonly entries = new Map<string, CrdEntry>();
  /** group/kind → versions seen (served or not), for messages. */
  private readonly versions = new Map<string, string[]>();
  private readonly kindsByGroup = new Map<string, Set<string>>();
  private readonly failures = new Map<string, string[]>();

  constructor(readonly dir: string) {
    this.exists = existsSync(dir) && statSync(dir).isDirectory();
    if (!this.exists) return;
    for (const group of readdirSync(dir)) {
      // API groups have a dot; `talos/`, `charts/` and loose files hold other schemas.
      const groupDir = join(dir, group);
      if (!group.includes('.') || !statSync(groupDir).isDirectory()) continue;
      const files: CrdFile[] = [];
      for (const name of readdirSync(groupDir).sort()) {
        if (!/\.ya?ml$/.test(name)) continue;
        let base = name.replace(/\.ya?ml$/, '');
        const openapi = base.endsWith('.openapi');
        if (openapi) base = base.slice(0, -'.openapi'.length);
        const dot = base.indexOf('.');
        files.push({ path: join(groupDir, name), stem: dot < 0 ? base : base.slice(0, dot), suffixed: dot >= 0, openapi });
      }
      this.filesByGroup.set(group, files);
    }
  }

  lookup(group: string, version: string, kind: string): CrdLookup {
    if (!this.exists) return { reason: `the CRD folder ${this.dir} is missing (set HEARTH_CRDS to the folder of upstream CRDs)` };
    const files = this.filesByGroup.get(group) ?? [];
    if (files.length === 0) return { reason: `no CRD for API group ${group} in ${this.dir}` };
    const key = `${group}/${version}/${kind}`;
    const plurals = pluralGuesses(kind);
    const likely = files.filter((f) => plurals.has(f.stem.replace(/-/g, '')));
    for (const file of likely) this.load(group, file);
    if (!this.entries.has(key)) for (const file of files) this.load(group, file);
    const entry = this.entries.get(key);
    if (entry) return { entry };
    const failures = this.failures.get(group) ?? [];
    const failed = failures.length ? `; unreadable: ${failures.join('; ')}` : '';
    const versions = this.versions.get(`${group}/${kind}`);
    if (versions) return { reason: `no CRD in ${join(this.dir, group)} serves ${group}/${version} ${kind} (versions: ${versions.join(', ')})${failed}` };
    const kinds = [...(this.kindsByGroup.get(group) ?? [])].sort();
    return { reason: `no CRD in ${join(this.dir, group)} defines kind ${kind} (kinds: ${kinds.join(', ') || 'none'})${failed}` };
  }

  private load(group: string, file: CrdFile): void {
    if (this.loaded.has(file.path)) return;
    this.loaded.add(file.path);
    const name = file.path.slice(this.dir.length + 1);
    try {
      const docs = parseAllDocuments(readFileSync(file.path, 'utf8'));
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        if (doc.errors.length) throw new Error(doc.errors[0]!.message);
        const crd = doc.toJS() as unknown;
        if (!isPlainObject(crd)) continue;
        if (file.openapi) this.addOpenApi(group, file, name, crd);
        else if (crd.kind === 'CustomResourceDefinition' && crd.apiVersion === 'apiextensions.k8s.io/v1') this.addCrd(file, name, crd);
      }
    } catch (error) {
      const list = this.failures.get(group) ?? [];
      list.push(`${name}: ${(error as Error).message}`);
      this.failures.set(group, list);
    }
  }

  private addOpenApi(group: string, file: CrdFile, name: string, doc: Json): void {
    const meta = OPENAPI_KINDS[`${group}/${file.stem}`];
    if (!meta) throw new Error('schema-only file of an unknown kind (add it to OPENAPI_KINDS from PROVENANCE.md)');
    if (!isPlainObject(doc.openAPIV3Schema)) throw new Error('no openAPIV3Schema');
    this.add(group, meta.version, meta.kind, { file: name, suffixed: file.suffixed, schema: doc.openAPIV3Schema }, true);
  }

  private addCrd(file: CrdFile, name: string, crd: Json): void {
    const spec = isPlainObject(crd.spec) ? crd.spec : {};
    const group = String(spec.group);
    const kind = String(isPlainObject(spec.names) ? spec.names.kind : '');
    for (const version of Array.isArray(spec.versions) ? spec.versions : []) {
      if (!isPlainObject(version)) continue;
      const schema = isPlainObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
      const entry = { file: name, suffixed: file.suffixed, schema: isPlainObject(schema) ? schema : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
      this.add(group, String(version.name), kind, entry, version.served !== false);
    }
  }

  private add(group: string, version: string, kind: string, entry: CrdEntry, served: boolean): void {
    this.kindsByGroup.set(group, (this.kindsByGroup.get(group) ?? new Set()).add(kind));
    const seen = this.versions.get(`${group}/${kind}`) ?? [];
    const label = served ? version : `${version} (not served)`;
    if (!seen.includes(label)) seen.push(label);
    this.versions.set(`${group}/${kind}`, seen);
    if (!served) return;
    const key = `${group}/${version}/${kind}`;
    const existing = this.entries.get(key);
    // The unsuffixed file is the reference; a version-suffixed twin only fills versions it alone serves.
    if (existing && (existing.suffixed === entry.suffixed || !existing.suffixed)) return;
    this.entries.set(key, entry);
  }
}

function pluralGuesses(kind: string): Set<string> {
  const k = kind.toLowerCase();
  return new Set([k, `${k}s`, `${k}es`, k.replace(/y$/, 'ies')]);
}

const crdIndexes = new Map<string, CrdIndex>();

function crdIndex(dir: string): CrdIndex {
  const key = resolve(dir);
  let index = crdIndexes.get(key);
  if (!index) {
    index = new CrdIndex(key);
    crdIndexes.set(key, index);
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// CRD schema → JSON Schema for ajv
// ---------------------------------------------------------------------------------------------

/** Value validations of OpenAPI v3 that mean the same in JSON Schema draft-07. */
const VALUE_KEYWORDS = [
  'type',
  'format',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'enum',
  'maxProperties',
  'minProperties',
  'required',
] as const;

const LIST_MAP_KEYS = 'x-kubernetes-list-map-keys';

/**
 * What the API server keeps of `metadata`: a CRD schema usually says only `type: object` there,
 * and the server validates it as ObjectMeta. Unknown metadata fields are pruned, hence closed.
 */
const OBJECT_META: Json = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
      },
    },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer' },
    creationTimestamp: { type: 'string' },
    deletionTimestamp: { type: 'string' },
    deletionGracePeriodSeconds: { type: 'integer' },
    managedFields: { type: 'array' },
    selfLink: { type: 'string' },
  },
};

/**
 * One node of a Kubernetes structural schema as JSON Schema. `structural` is false inside
 * allOf/anyOf/oneOf/not, where Kubernetes allows only value validations: objects are closed only
 * in structural positions, or a branch listing one field would reject all the others.
 */
function toJsonSchema(node: Json, structural: boolean, embeddedOrRoot = false): Json {
  const out: Json = {};
  for (const keyword of VALUE_KEYWORDS) if (node[keyword] !== undefined) out[keyword] = node[keyword];
  // OpenAPI v3.0 booleans → draft-07 numeric bounds.
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (node[exclusive] === true && typeof node[bound] === 'number') {
      out[exclusive] = node[bound];
      delete out[bound];
    }
  }
  if (isPlainObject(node.properties)) {
    const properties: Json = {};
    for (const [key, child] of Object.entries(node.properties)) if (isPlainObject(child)) properties[key] = toJsonSchema(child, structural);
    out.properties = properties;
  }
  if (isPlainObject(node.items)) out.items = toJsonSchema(node.items, structural);
  if (typeof node.additionalProperties === 'boolean') out.additionalProperties = node.additionalProperties;
  else if (isPlainObject(node.additionalProperties)) out.additionalProperties = toJsonSchema(node.additionalProperties, structural);
  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[combinator];
    if (Array.isArray(list)) out[combinator] = list.filter(isPlainObject).map((s) => toJsonSchema(s, false));
  }
  if (isPlainObject(node.not)) out.not = toJsonSchema(node.not, false);

  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
    // The `anyOf: [{type: integer}, {type: string}]` that usually comes with it is now redundant.
    const anyOf = (out.anyOf as Json[] | undefined)?.filter((s) => Object.keys(s).some((k) => k !== 'type'));
    if (anyOf?.length) out.anyOf = anyOf;
    else delete out.anyOf;
  }
  if (node.nullable === true) {
    if (out.type !== undefined) out.type = [...new Set([...(Array.isArray(out.type) ? out.type : [out.type]), 'null'])];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (node['x-kubernetes-list-type'] === 'map' && Array.isArray(node[LIST_MAP_KEYS])) out[LIST_MAP_KEYS] = node[LIST_MAP_KEYS];

  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  if ((embedded || embeddedOrRoot) && !preserve) {
    // apiVersion, kind and metadata are implicitly part of every resource schema.
    const properties = (out.properties as Json | undefined) ?? {};
    properties.apiVersion ??= { type: 'string' };
    properties.kind ??= { type: 'string' };
    const meta = properties.metadata as Json | undefined;
    if (!meta || !isPlainObject(meta.properties)) properties.metadata = OBJECT_META;
    out.properties = properties;
  }
  const isObject = node.type === 'object' || out.properties !== undefined;
  if (structural && isObject && !preserve && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/**
 * RE2 (Go) patterns to JavaScript: `(?i)` prefixes become flags, `\pL` becomes `\p{L}`, `\z` `$`.
 * A pattern JavaScript still cannot read is skipped rather than failing the whole schema.
 */
const re2Engine = Object.assign(
  (pattern: string, flags: string): { test(s: string): boolean } => {
    let source = pattern;
    let extra = '';
    // Go flag groups at the start (`(?i)abc`, `^(?i)abc`); JavaScript has no inline flags.
    const inline = /^(\^?)\(\?([ims]+)\)/.exec(source);
    if (inline) {
      source = inline[1]! + source.slice(inline[0].length);
      extra = inline[2]!;
    }
    source = source.replace(/(?<!\\)((?:\\\\)*)\\([pP])([A-Za-z])/g, '$1\\$2{$3}').replace(/\\z/g, '$').replace(/\\A/g, '^');
    for (const f of [`${flags}${extra}`, extra]) {
      try {
        return new RegExp(source, f);
      } catch {
        // try the next flag set
      }
    }
    return { test: () => true };
  },
  { code: 're2Engine' },
);

let crdAjv: Ajv | undefined;

function ajvForCrds(): Ajv {
  if (crdAjv) return crdAjv;
  crdAjv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    allowUnionTypes: true,
    // Kubernetes formats (int32, int64, byte, ...) are hints here; the API server checks few of them.
    validateFormats: false,
    code: { regExp: re2Engine },
    // Shared subtrees are compiled once (see dedupeSubtrees); the CRDs were accepted by an API
    // server already, so checking them against the meta-schema on every start buys nothing.
    inlineRefs: false,
    validateSchema: false,
  });
  crdAjv.addKeyword({
    keyword: LIST_MAP_KEYS,
    type: 'array',
    schemaType: 'array',
    errors: true,
    // x-kubernetes-list-type: map — the API server rejects two items with the same key fields.
    validate: function listMapKeys(keys: string[], items: unknown[]): boolean {
      const seen = new Map<string, number>();
      const errors: Partial<ErrorObject>[] = [];
      items.forEach((item, index) => {
        if (!isPlainObject(item)) return;
        const id = keys.map((k) => `${k}=${show(item[k])}`).join(', ');
        const first = seen.get(id);
        if (first === undefined) seen.set(id, index);
        else errors.push({ keyword: LIST_MAP_KEYS, params: { index }, message: `duplicate entry: item ${first} has the same ${id}` });
      });
      (listMapKeys as unknown as { errors: unknown }).errors = errors;
      return errors.length === 0;
    },
  });
  return crdAjv;
}

/**
 * Generated CRDs inline every shared type (a PodSpec appears once per pod template, affinity once
 * per component), and ajv would compile each copy. Repeated subtrees become `definitions` that
 * ajv compiles once (with `inlineRefs: false`): this makes large CRDs compile several times faster.
 */
function dedupeSubtrees(root: Json): Json {
  const MIN_SIZE = 300;
  const counts = new Map<string, number>();
  const keyOf = new Map<object, string>();
  const count = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(count);
    if (!isPlainObject(node)) return;
    const key = JSON.stringify(node);
    keyOf.set(node, key);
    if (key.length >= MIN_SIZE) counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const child of Object.values(node)) count(child);
  };
  count(root);
  const definitions: Json = {};
  const ids = new Map<string, string>();
  const rewrite = (node: unknown, isRoot = false): unknown => {
    if (Array.isArray(node)) return node.map((item) => rewrite(item));
    if (!isPlainObject(node)) return node;
    const key = keyOf.get(node)!;
    if (!isRoot && (counts.get(key) ?? 0) > 1) {
      let id = ids.get(key);
      if (!id) {
        id = `t${ids.size}`;
        ids.set(key, id);
        definitions[id] = rewrite(node, true);
      }
      return { $ref: `#/definitions/${id}` };
    }
    const out: Json = {};
    for (const [name, child] of Object.entries(node)) {
      if (name === 'properties' && isPlainObject(child)) {
        out[name] = Object.fromEntries(Object.entries(child).map(([k, v]) => [k, rewrite(v)]));
      } else if (name === 'enum' || name === 'required' || name === LIST_MAP_KEYS) {
        out[name] = child;
      } else {
        out[name] = rewrite(child);
      }
    }
    return out;
  };
  const out = rewrite(root, true) as Json;
  if (ids.size > 0) out.definitions = definitions;
  return out;
}

function compiled(entry: CrdEntry): ValidateFunction | Error {
  if (!entry.compiled) {
    try {
      entry.compiled = ajvForCrds().compile(dedupeSubtrees(toJsonSchema(entry.schema, true, true)));
    } catch (error) {
      entry.compiled = error as Error;
    }
  }
  return entry.compiled;
}

/**
 * The API server prunes `null` from fields not marked `nullable` before it defaults and validates
 * a custom resource (and a nullable field may be null anyway), so a null field counts as absent;
 * Helm renders one for every `key:` whose template printed nothing. Null list items are kept.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = withoutNulls(child);
  return out;
}

function validateCustom(object: string, raw: Json, validate: ValidateFunction): ObjectProblem[] {
  const data = withoutNulls(raw);
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  return problemsFromErrors(object, data, errors, {
    inBranch: (alt, e) => e.schemaPath.startsWith(`${alt.schemaPath}/`),
    allowed: (error) => {
      const parent = error.parentSchema;
      return parent && isPlainObject(parent.properties) ? Object.keys(parent.properties) : [];
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

function labelOf(data: Json): string {
  const kind = typeof data.kind === 'string' && data.kind ? data.kind : '(no kind)';
  const meta = isPlainObject(data.metadata) ? data.metadata : {};
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '(no name)';
  return `${kind}/${name}`;
}

/**
 * Validates rendered objects: built-in kinds with kubernetes-models, custom resources with the
 * CRD folder. Every problem names the object and the path; objects no schema covers are listed
 * in `unvalidated` with the reason, never silently passed.
 */
export function validateObjects(objects: readonly Record<string, unknown>[], options: ValidateObjectsOptions = {}): ValidationReport {
  const problems: ObjectProblem[] = [];
  const unvalidated: { object: string; reason: string }[] = [];
  const index = crdIndex(options.crdDir ?? crdDirectory().dir);
  for (const data of objects) {
    const object = isPlainObject(data) ? labelOf(data) : '(not an object)';
    if (!isPlainObject(data)) {
      problems.push({ object, path: '', message: `must be an object (got ${show(data)})` });
      continue;
    }
    const found: ObjectProblem[] = [];
    for (const field of ['apiVersion', 'kind'] as const) {
      if (typeof data[field] !== 'string' || data[field] === '') {
        found.push({ object, path: field, message: data[field] === undefined ? 'is required' : `must be a non-empty string (got ${show(data[field])})` });
      }
    }
    const meta = data.metadata;
    if (!isPlainObject(meta) || meta.name === undefined || meta.name === null || meta.name === '') {
      // Helm installs objects by name; one without a name fails the release.
      found.push({ object, path: 'metadata.name', message: 'is required' });
    }
    if (found.some((p) => p.path === 'apiVersion' || p.path === 'kind')) {
      problems.push(...found);
      continue;
    }
    const apiVersion = data.apiVersion as string;
    const kind = data.kind as string;
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);

    const builtin = builtinModel(group, version, kind);
    if (builtin && 'model' in builtin) {
      found.push(...validateBuiltin(object, data, builtin.model));
    } else if (builtin) {
      unvalidated.push({ object, reason: builtin.reason });
    } else {
      const lookup = index.lookup(group, version, kind);
      if ('reason' in lookup) {
        unvalidated.push({ object, reason: lookup.reason });
      } else {
        const validate = compiled(lookup.entry);
        if (validate instanceof Error) {
          unvalidated.push({ object, reason: `the schema in ${lookup.entry.file} does not compile: ${validate.message}` });
        } else {
          found.push(...validateCustom(object, data, validate));
        }
      }
    }
    const unique = new Map<string, ObjectProblem>();
    for (const problem of found) unique.set(`${problem.path}\u0000${problem.message}`, problem);
    problems.push(...[...unique.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  }
  return { problems, unvalidated };
}
