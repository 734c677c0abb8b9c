/**
 * Which version bump a change of a package's values schema requires (pure; no I/O).
 *
 * The question is always "does every values file that worked with the old version still work, and
 * mean the same, with the new one?":
 * - major: a values file that was valid may now be refused or change meaning — a key removed (a
 *   rename is a removal plus an addition), a type, enum, range, length or pattern narrowed, a map
 *   item key made required, or the default of a field marked `x-hearth-immutable` changed (an
 *   upgrade that relies on the default would then change an immutable field).
 * - minor: every old values file still works and means the same, and something new is possible —
 *   a new key, a widened type/enum/range, another default, a field now marked immutable.
 * - patch: nothing a values file can observe — descriptions and UI hints (or no schema change at
 *   all: the templates changed).
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, type JsonSchemaNode } from '../../constructs/values/schema';

export type Bump = 'patch' | 'minor' | 'major';
export const BUMPS: readonly Bump[] = ['patch', 'minor', 'major'];

/** One observed difference and the bump it requires. */
export interface SchemaChange {
  readonly bump: Bump;
  /** Dotted values path (`users.*.password`, `disks[].name`); '(root)' for the root. */
  readonly path: string;
  /** Short phrase for messages: `new key external.annotations`. */
  readonly reason: string;
}

export function maxBump(bumps: Iterable<Bump>): Bump | undefined {
  let best: Bump | undefined;
  for (const b of bumps) if (best === undefined || BUMPS.indexOf(b) > BUMPS.indexOf(best)) best = b;
  return best;
}

export function bumpAtLeast(actual: Bump | undefined, required: Bump): boolean {
  return actual !== undefined && BUMPS.indexOf(actual) >= BUMPS.indexOf(required);
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? 'unset' : text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/** `a.b`, `a.*` (map items), `a[]` (list items). */
const child = (path: string, key: string) => (path ? `${path}.${key}` : key);
const where = (path: string) => path || '(root)';

/** JSON types a node accepts; `integer` is a subset of `number`. */
function typesOf(node: JsonSchemaNode): string[] {
  const t = node.type as unknown;
  return Array.isArray(t) ? (t as string[]) : t === undefined ? [] : [String(t)];
}

function acceptsType(types: readonly string[], type: string): boolean {
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

type Bound = 'minimum' | 'exclusiveMinimum' | 'minLength' | 'minItems' | 'minProperties' | 'maximum' | 'exclusiveMaximum' | 'maxLength' | 'maxItems' | 'maxProperties';
const LOWER_BOUNDS: readonly Bound[] = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS: readonly Bound[] = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];

/** Hints that only change how the catalog form shows a field. */
const PRESENTATION_KEYWORDS = ['description', 'title', 'x-hearth-advanced', 'x-hearth-options-from', 'x-hearth-secret', 'x-hearth-order', 'examples'];

/** Every difference between two values schemas with the bump each requires. */
export function diffSchemas(before: JsonSchemaNode, after: JsonSchemaNode): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const add = (bump: Bump, path: string, reason: string) => changes.push({ bump, path: where(path), reason });

  const visit = (a: JsonSchemaNode, b: JsonSchemaNode, path: string, inItem: boolean): void => {
    // Types: any type the old schema accepted must still be accepted.
    const ta = typesOf(a);
    const tb = typesOf(b);
    if (!isDeepStrictEqual(ta, tb)) {
      const narrowed = ta.some((t) => !acceptsType(tb, t));
      add(narrowed ? 'major' : 'minor', path, `${narrowed ? 'changed' : 'widened'} type of ${where(path)} from ${ta.join('|') || 'any'} to ${tb.join('|') || 'any'}`);
      if (narrowed) return;
    }
    if (isMap(a) !== isMap(b)) {
      add('major', path, `${where(path)} changed from ${isMap(a) ? 'a map of user-named entries' : 'an object'} to ${isMap(b) ? 'a map' : 'an object'}`);
      return;
    }

    // Enums: removing a value refuses values files that used it.
    if (a.enum || b.enum) {
      const before = a.enum ?? [];
      const after = b.enum ?? [];
      if (a.enum && b.enum) {
        const removed = before.filter((x) => !after.some((y) => isDeepStrictEqual(x, y)));
        const added = after.filter((x) => !before.some((y) => isDeepStrictEqual(x, y)));
        if (removed.length) add('major', path, `${where(path)} no longer allows ${removed.map(show).join(', ')}`);
        if (added.length) add('minor', path, `${where(path)} now also allows ${added.map(show).join(', ')}`);
      } else if (b.enum) {
        add('major', path, `${where(path)} is now limited to ${after.map(show).join(', ')}`);
      } else {
        add('minor', path, `${where(path)} is no longer limited to a list of values`);
      }
    }

    // Bounds: a higher lower bound or a lower upper bound refuses values that were valid.
    for (const bound of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
      const x = a[bound] as number | undefined;
      const y = b[bound] as number | undefined;
      if (x === y) continue;
      const lower = LOWER_BOUNDS.includes(bound);
      const narrowed = y !== undefined && (x === undefined || (lower ? y > x : y < x));
      add(narrowed ? 'major' : 'minor', path, `${narrowed ? 'narrowed' : 'widened'} ${bound} of ${where(path)} from ${show(x)} to ${show(y)}`);
    }

    // Patterns: a changed pattern cannot be proven to accept every old value, so it is a narrowing.
    const patternChange = (x: string | undefined, y: string | undefined, what: string) => {
      if (x === y) return;
      if (y === undefined) add('minor', path, `dropped the ${what} of ${where(path)}`);
      else add('major', path, x === undefined ? `added the ${what} ${y} to ${where(path)}` : `changed the ${what} of ${where(path)} from ${x} to ${y}`);
    };
    patternChange(a.pattern, b.pattern, 'pattern');
    patternChange(a.propertyNames?.pattern, b.propertyNames?.pattern, 'key pattern');

    if (a.uniqueItems !== b.uniqueItems) {
      add(b.uniqueItems ? 'major' : 'minor', path, `${where(path)} ${b.uniqueItems ? 'now refuses' : 'now allows'} repeated items`);
    }

    // Defaults: another default changes what an upgrade does; for an immutable field it breaks it.
    if ('default' in a || 'default' in b) {
      if (!isDeepStrictEqual(a.default, b.default)) {
        const immutable = a['x-hearth-immutable'] === true || b['x-hearth-immutable'] === true;
        add(immutable ? 'major' : 'minor', path, `changed the default of ${immutable ? 'immutable field ' : ''}${where(path)} from ${show(a.default)} to ${show(b.default)}`);
      }
    }
    if (a['x-hearth-immutable'] !== b['x-hearth-immutable']) {
      add('minor', path, `${where(path)} is ${b['x-hearth-immutable'] ? 'now' : 'no longer'} immutable`);
    }
    if (a['x-hearth-format'] !== b['x-hearth-format']) {
      add('minor', path, `format of ${where(path)} changed from ${show(a['x-hearth-format'])} to ${show(b['x-hearth-format'])}`);
    }
    for (const keyword of PRESENTATION_KEYWORDS) {
      if (!isDeepStrictEqual(a[keyword], b[keyword])) add('patch', path, `${keyword} of ${where(path)} changed`);
    }

    // Object properties.
    const pa = a.properties ?? {};
    const pb = b.properties ?? {};
    const removed = Object.keys(pa).filter((k) => !(k in pb));
    const addedKeys = Object.keys(pb).filter((k) => !(k in pa));
    const requiredA = new Set(a.required ?? []);
    const requiredB = new Set(b.required ?? []);
    for (const key of removed) {
      const renamed = addedKeys.length ? ` (renamed to ${addedKeys.map((k) => child(path, k)).join(' or ')}?)` : '';
      add('major', child(path, key), `removed key ${child(path, key)}${renamed}`);
    }
    for (const key of addedKeys) {
      // Outside map/list items Helm merges the chart defaults first, so a new key always has a
      // value; inside items a new required key refuses every existing item.
      if (inItem && requiredB.has(key)) add('major', child(path, key), `new required key ${child(path, key)} in existing items`);
      else add('minor', child(path, key), `new key ${child(path, key)}`);
    }
    for (const key of Object.keys(pa)) {
      if (!(key in pb)) continue;
      if (inItem && requiredA.has(key) !== requiredB.has(key)) {
        add(requiredB.has(key) ? 'major' : 'minor', child(path, key), `${child(path, key)} is ${requiredB.has(key) ? 'now required' : 'now optional'}`);
      }
      visit(pa[key], pb[key], child(path, key), inItem);
    }

    // Unknown keys: closing an open object refuses values that were accepted.
    const apOpen = a.additionalProperties !== false && a.additionalProperties !== undefined;
    const bpOpen = b.additionalProperties !== false && b.additionalProperties !== undefined;
    const aSchema = typeof a.additionalProperties === 'object' ? a.additionalProperties : undefined;
    const bSchema = typeof b.additionalProperties === 'object' ? b.additionalProperties : undefined;
    if (aSchema && bSchema) {
      visit(aSchema, bSchema, child(path, '*'), true);
    } else if (a.type === 'object' && b.type === 'object' && apOpen !== bpOpen) {
      add(bpOpen ? 'minor' : 'major', path, `${where(path)} ${bpOpen ? 'now accepts' : 'no longer accepts'} keys it does not declare`);
    } else if (aSchema && b.additionalProperties === true) {
      add('minor', path, `entries of ${where(path)} are no longer checked`);
    } else if (a.additionalProperties === true && bSchema) {
      add('major', path, `entries of ${where(path)} are now checked against a schema`);
    }

    // List items.
    if (a.items && b.items) visit(a.items, b.items, `${path}[]`, true);
    else if (a.items || b.items) add(b.items ? 'major' : 'minor', path, `items of ${where(path)} are ${b.items ? 'now' : 'no longer'} checked`);
  };

  visit(before, after, '', false);
  return changes;
}

/** The bump a schema change requires, with the reasons at that level (first ones first). */
export function classifySchemaChange(before: JsonSchemaNode, after: JsonSchemaNode): { bump: Bump | undefined; reasons: string[]; changes: SchemaChange[] } {
  const changes = diffSchemas(before, after);
  const bump = maxBump(changes.map((c) => c.bump));
  return { bump, reasons: changes.filter((c) => c.bump === bump).map((c) => c.reason), changes };
}
