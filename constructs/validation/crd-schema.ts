/**
 * CRD structural schemas → JSON Schema for ajv, with Kubernetes' extensions (preserve-unknown-fields,
 * int-or-string, list types, nullable) and closed objects, compiled once per kind.
 */
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { Json, ObjectProblem, isPlainObject, problemsFromErrors, show } from './problems';
import { CrdEntry } from './crd-index';

/** Value validations of OpenAPI v3 that mean the same in JSON Schema draft-07. */
export const VALUE_KEYWORDS = [
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

export const LIST_MAP_KEYS = 'x-kubernetes-list-map-keys';

/**
 * What the API server keeps of `metadata`: a CRD schema usually says only `type: object` there,
 * and the server validates it as ObjectMeta. Unknown metadata fields are pruned, hence closed.
 */
export const OBJECT_META: Json = {
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
export function toJsonSchema(node: Json, structural: boolean, embeddedOrRoot = false): Json {
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
export const re2Engine = Object.assign(
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

export function ajvForCrds(): Ajv {
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
export function dedupeSubtrees(root: Json): Json {
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

export function compiled(entry: CrdEntry): ValidateFunction | Error {
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
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = withoutNulls(child);
  return out;
}

export function validateCustom(object: string, raw: Json, validate: ValidateFunction): ObjectProblem[] {
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
