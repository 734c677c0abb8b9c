/**
 * values.schema.json: what Helm 3 (gojsonschema, draft 4/6/7) and Helm 4 (jsonschema v6, which
 * reads a schema without `$schema` as 2020-12 and follows remote `$ref`s) both enforce the same way.
 */
import { isDeepStrictEqual } from 'node:util';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { defaultsOf, DRAFT_07 } from '../../../constructs/values/derive';
import { isMap, type JsonSchemaNode } from '../../../constructs/values/schema';
import { createAjv, HEARTH_KEYWORDS } from '../../../constructs/values/validate';
import { type CheckSubject, type Json, type Rule, type Violation } from './rule';
import { isPlainObject } from '../../../constructs/util/json';

const SCHEMA = 'values.schema.json';
const VALUES = 'values.yaml';

export const DRAFT_07_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema', '$id', '$ref', '$comment', 'title', 'description', 'default', 'readOnly', 'writeOnly', 'examples',
  'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern',
  'additionalItems', 'items', 'maxItems', 'minItems', 'uniqueItems', 'contains', 'maxProperties', 'minProperties',
  'required', 'properties', 'patternProperties', 'additionalProperties', 'dependencies', 'propertyNames', 'const',
  'enum', 'type', 'format', 'contentMediaType', 'contentEncoding', 'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf',
  'not', 'definitions',
]);
const ALLOWED_KEYWORDS = new Set([...DRAFT_07_KEYWORDS, ...HEARTH_KEYWORDS]);

/** The parsed chart schema, or undefined (reported once, by schema.draft-07). */
export function chartSchema(subject: CheckSubject): Json | undefined {
  const text = subject.files[SCHEMA];
  if (text === undefined) return undefined;
  try {
    const schema = JSON.parse(text) as unknown;
    return isPlainObject(schema) ? schema : undefined;
  } catch {
    return undefined;
  }
}

function onSchema(check: (schema: Json, subject: CheckSubject) => Iterable<Violation>): Rule['check'] {
  return function* (subject) {
    const schema = chartSchema(subject);
    if (schema) yield* check(schema, subject);
  };
}

/** Every subschema with its JSON path (`properties.users.additionalProperties`). */
export function* subschemas(node: unknown, path = ''): Generator<{ node: Json; path: string }> {
  if (!isPlainObject(node)) return;
  yield { node, path };
  const join = (k: string) => (path ? `${path}.${k}` : k);
  for (const k of ['properties', 'patternProperties', 'definitions', 'dependencies']) {
    if (isPlainObject(node[k])) for (const [name, child] of Object.entries(node[k])) yield* subschemas(child, `${join(k)}.${name}`);
  }
  for (const k of ['additionalProperties', 'additionalItems', 'contains', 'propertyNames', 'if', 'then', 'else', 'not']) yield* subschemas(node[k], join(k));
  if (Array.isArray(node.items)) for (const [i, child] of node.items.entries()) yield* subschemas(child, `${join('items')}[${i}]`);
  else yield* subschemas(node.items, join('items'));
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(node[k])) for (const [i, child] of (node[k] as unknown[]).entries()) yield* subschemas(child, `${join(k)}[${i}]`);
}

/** The value nodes of a values schema with their dotted value path (`users.<name>.password`). */
function* valueNodes(node: Json, path: string): Generator<{ node: Json; path: string; kind: 'object' | 'leaf' }> {
  const props = isPlainObject(node.properties) ? node.properties : undefined;
  if (node.type === 'object' && props && !isMap(node as JsonSchemaNode)) {
    yield { node, path, kind: 'object' };
    for (const [k, child] of Object.entries(props)) if (isPlainObject(child)) yield* valueNodes(child, path ? `${path}.${k}` : k);
    return;
  }
  yield { node, path, kind: 'leaf' };
  if (isMap(node as JsonSchemaNode) && isPlainObject(node.additionalProperties)) yield* valueNodes(node.additionalProperties, `${path}.<name>`);
  if (node.type === 'array' && isPlainObject(node.items)) yield* valueNodes(node.items, `${path}[]`);
}

export { valueNodes as schemaValueNodes };

/** A type, a list of types, an enum, or a union whose every member is typed. */
function typed(node: Json): boolean {
  if (typeof node.type === 'string' || Array.isArray(node.enum)) return true;
  if (Array.isArray(node.type)) return node.type.length > 0 && node.type.every((t) => typeof t === 'string');
  for (const k of ['anyOf', 'oneOf']) if (Array.isArray(node[k]) && node[k].length > 0) return (node[k] as unknown[]).every((m) => isPlainObject(m) && typed(m));
  return false;
}

export const SCHEMA_RULES: readonly Rule[] = [
  {
    id: 'schema.draft-07',
    rationale: 'Without "$schema": draft-07 Helm 4 reads the schema as 2020-12, so Helm 3 and 4 would validate differently.',
    fix: 'Generate values.schema.json with hearth build (it declares draft-07 and is meta-valid).',
    *check(subject) {
      const schema = chartSchema(subject);
      if (!schema) {
        yield { object: SCHEMA, message: 'is missing or not a JSON object' };
        return;
      }
      if (schema.$schema !== DRAFT_07) yield { object: SCHEMA, path: '$schema', message: `must be ${DRAFT_07} (got ${JSON.stringify(schema.$schema)})` };
      // Against the draft-07 meta-schema whatever $schema says (an unknown $schema is reported above).
      const meta = new Ajv({ strict: false }).getSchema(DRAFT_07.replace(/#$/, ''))!;
      if (!meta(schema)) {
        for (const e of meta.errors ?? []) yield { object: SCHEMA, path: e.instancePath.split('/').slice(1).join('.'), message: `not a valid draft-07 schema: ${e.message ?? ''}` };
      }
    },
  },
  {
    id: 'schema.draft-07-keywords',
    rationale: 'A keyword outside draft-07 ($defs, prefixItems, unevaluatedProperties, ...) is ignored by Helm 3 but enforced by Helm 4.',
    fix: 'Use only draft-07 keywords (and hearth\'s x-hearth-* hints).',
    check: onSchema(function* (schema) {
      for (const { node, path } of subschemas(schema)) {
        for (const k of Object.keys(node)) if (!ALLOWED_KEYWORDS.has(k)) yield { object: SCHEMA, path: path ? `${path}.${k}` : k, message: `'${k}' is not a draft-07 keyword` };
      }
    }),
  },
  {
    id: 'schema.local-refs',
    rationale: 'Helm 4 follows remote $refs (http, https, file) while validating: a chart could read files or reach the network.',
    fix: 'Keep every $ref local (#/definitions/...), or inline the schema.',
    check: onSchema(function* (schema) {
      for (const { node, path } of subschemas(schema)) {
        if (node.$ref !== undefined && !(typeof node.$ref === 'string' && node.$ref.startsWith('#'))) {
          yield { object: SCHEMA, path: path ? `${path}.$ref` : '$ref', message: `is not local (got ${JSON.stringify(node.$ref)})` };
        }
      }
    }),
  },
  {
    id: 'schema.strict-objects',
    rationale: 'An object that accepts unknown keys lets a misspelt value pass silently and be ignored.',
    fix: 'Declare objects with v.object (additionalProperties: false) and user-named maps with v.map (propertyNames pattern).',
    check: onSchema(function* (schema) {
      for (const { node, path, kind } of valueNodes(schema, '')) {
        if (path === 'global') continue; // Helm injects it; it must stay open.
        if (kind === 'object') {
          if (node.additionalProperties !== false) yield { object: SCHEMA, path: path || '(root)', message: 'object must set additionalProperties: false' };
        } else if (node.type === 'object') {
          if (!isMap(node as JsonSchemaNode)) yield { object: SCHEMA, path, message: 'object without declared properties accepts any key; declare it with v.object or v.map' };
          else if (!isPlainObject(node.propertyNames) || typeof node.propertyNames.pattern !== 'string') yield { object: SCHEMA, path, message: 'map must restrict its keys with propertyNames.pattern' };
          else if (!isPlainObject(node.additionalProperties)) yield { object: SCHEMA, path, message: 'map must give its item schema in additionalProperties' };
        }
      }
      const global = isPlainObject(schema.properties) ? schema.properties.global : undefined;
      if (!isPlainObject(global) || global.additionalProperties !== true) yield { object: SCHEMA, path: 'properties.global', message: 'must be declared as an open object (Helm injects global into every chart\'s values)' };
    }),
  },
  {
    id: 'schema.leaves-documented',
    rationale: 'values.yaml, the README and the catalog form are derived from types, descriptions and defaults; a gap is an undocumented knob.',
    fix: 'Declare every value with v.* (each takes a description and a default).',
    check: onSchema(function* (schema) {
      for (const { node, path, kind } of valueNodes(schema, '')) {
        if (!path) continue;
        const where = { object: SCHEMA, path };
        if (!typed(node)) yield { ...where, message: 'has no type' };
        if (typeof node.description !== 'string' || node.description.trim() === '') yield { ...where, message: 'has no description' };
        // Optional keys of map and list items may omit defaults; everything a user sees at the top must have one.
        if (kind === 'leaf' && node.default === undefined && !path.includes('<name>') && !path.includes('[]')) yield { ...where, message: 'has no default' };
      }
    }),
  },
  {
    id: 'schema.values-match-defaults',
    rationale: 'values.yaml is what helm show values prints; it must validate against the schema and equal the schema\'s defaults.',
    fix: 'Regenerate values.yaml with hearth build; change defaults in the package\'s values schema only.',
    check: onSchema(function* (schema, subject) {
      const text = subject.files[VALUES];
      if (text === undefined) {
        yield { object: VALUES, message: 'is missing' };
        return;
      }
      let values: unknown;
      try {
        values = parse(text, { version: '1.1' }) ?? {};
      } catch (e) {
        yield { object: VALUES, message: `is not valid YAML: ${(e as Error).message.split('\n')[0]}` };
        return;
      }
      let validate;
      try {
        validate = createAjv().compile(schema);
      } catch (e) {
        yield { object: SCHEMA, message: `cannot be compiled: ${(e as Error).message}` };
        return;
      }
      const withGlobal = isPlainObject(values) && !('global' in values) ? { ...values, global: {} } : values;
      if (!validate(withGlobal)) {
        for (const e of validate.errors ?? []) yield { object: VALUES, path: e.instancePath.split('/').slice(1).join('.') || '(root)', message: `does not validate against values.schema.json: ${e.message ?? ''}` };
      }
      const { global: _ignored, ...expected } = defaultsOf(schema as JsonSchemaNode) as Record<string, unknown>;
      if (!isDeepStrictEqual(values, expected)) yield { object: VALUES, message: `differs from the schema defaults (expected ${JSON.stringify(expected).slice(0, 200)})` };
    }),
  },
];
