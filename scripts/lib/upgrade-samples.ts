/**
 * A small, fixed set of value sets derived from a values schema, for the upgrade fingerprint
 * (see upgrade-safety.ts). No randomness: the same schema always gives the same sets, so a lock
 * entry can be re-checked years later. The sets aim at what changes *which* objects exist and
 * what their immutable fields hold:
 * - `defaults`: no user values;
 * - `toggled`: every boolean flipped, every empty map given one entry and every empty list one
 *   item, every enum at its next value, every empty string filled (e.g. a storage class);
 * - `minimums`: every integer and number at its minimum (e.g. zero replicas);
 * - `enum-N`: every enum at its N-th next value (N = 2.., while some enum has that many values).
 * Each set is recorded as the keys that differ from the defaults, the way a user writes values.
 * Only the value sets themselves are stored in the lock, so this sampler may evolve: a recorded
 * version is always re-checked with the values recorded for it.
 */
import { isDeepStrictEqual } from 'node:util';
import { defaultsOf } from '../../constructs/values/derive';
import { isMap, type JsonSchemaNode } from '../../constructs/values/schema';

export interface SampleValues {
  readonly name: string;
  /** A partial values tree (only keys that differ from the defaults). */
  readonly values: Record<string, unknown>;
}

/** Enum rotations beyond `toggled`, at most. */
const MAX_ENUM_ROTATIONS = 4;
/** Names tried, in order, for the one entry of a map and the text of an empty string. */
const MAP_KEYS = ['sample', 's1', 'a'];
const FILLER_STRINGS = ['sample', '1', 'a'];

type Mode = { readonly kind: 'toggled' } | { readonly kind: 'minimums' } | { readonly kind: 'enum'; readonly step: number };

function matches(pattern: string | undefined, text: string): boolean {
  if (pattern === undefined) return true;
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return false;
  }
}

function fitsString(node: JsonSchemaNode, text: string): boolean {
  return matches(node.pattern, text) && text.length >= (node.minLength ?? 0) && text.length <= (node.maxLength ?? Infinity);
}

/** The value a node takes in a mode (`toggled` gives empty maps and lists one entry, inside new items too). */
function sample(node: JsonSchemaNode, mode: Mode): unknown {
  if (node.type === 'object' && node.properties && !isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, childNode] of Object.entries(node.properties)) {
      const value = sample(childNode, mode);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  const fallback = structuredClone(node.default);
  if (Array.isArray(node.enum) && node.enum.length > 1) {
    const step = mode.kind === 'toggled' ? 1 : mode.kind === 'enum' ? mode.step : 0;
    const at = Math.max(0, node.enum.findIndex((x) => isDeepStrictEqual(x, node.default)));
    return step < node.enum.length ? node.enum[(at + step) % node.enum.length] : fallback;
  }
  switch (node.type) {
    case 'boolean':
      return mode.kind === 'toggled' ? !node.default : fallback;
    case 'integer':
    case 'number':
      return mode.kind === 'minimums' && node.minimum !== undefined ? node.minimum : fallback;
    case 'string':
      if (mode.kind === 'toggled' && node.default === '') return FILLER_STRINGS.find((s) => fitsString(node, s)) ?? fallback;
      return fallback;
    case 'object': {
      if (mode.kind !== 'toggled' || !isMap(node) || typeof node.additionalProperties !== 'object') return fallback;
      const entries = { ...(fallback as Record<string, unknown> | undefined) };
      if (Object.keys(entries).length) return entries;
      const key = MAP_KEYS.find((k) => matches(node.propertyNames?.pattern, k));
      if (key === undefined) return fallback;
      return { [key]: itemOf(node.additionalProperties, mode) };
    }
    case 'array': {
      const items = (fallback as unknown[] | undefined) ?? [];
      if (mode.kind !== 'toggled' || items.length || !node.items) return fallback;
      return [itemOf(node.items, mode)];
    }
    default:
      return fallback;
  }
}

/** A new map entry or list item: every key set, optional ones included. */
function itemOf(node: JsonSchemaNode, mode: Mode): unknown {
  if (node.type === 'object' && node.properties && !isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, childNode] of Object.entries(node.properties)) out[key] = itemOf(childNode, mode);
    return out;
  }
  return sample(node, mode);
}

/** The parts of `values` that differ from `defaults` (objects recursively; maps and lists whole). */
export function differenceFromDefaults(values: unknown, defaults: unknown): unknown {
  if (isDeepStrictEqual(values, defaults)) return undefined;
  const plain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!plain(values) || !plain(defaults)) return values;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const diff = key in defaults ? differenceFromDefaults(value, defaults[key]) : value;
    if (diff !== undefined) out[key] = diff;
  }
  return out;
}

function enumLengths(node: JsonSchemaNode): number[] {
  const own = Array.isArray(node.enum) ? [node.enum.length] : [];
  const children = [
    ...Object.values(node.properties ?? {}),
    ...(typeof node.additionalProperties === 'object' ? [node.additionalProperties] : []),
    ...(node.items ? [node.items] : []),
  ];
  return [...own, ...children.flatMap(enumLengths)];
}

type Json = Record<string, unknown>;
const isPlainObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The largest part of `values` the package accepts, found greedily key by key in declaration
 * order (descending into objects whose whole value is refused): a combination the templates
 * forbid (backups enabled without a destination, say) costs only the keys involved.
 */
function acceptedPart(values: Json, accepts: (values: Json) => boolean): Json {
  const kept: Json = {};
  for (const [key, value] of Object.entries(values)) {
    if (accepts({ ...kept, [key]: value })) {
      kept[key] = value;
    } else if (isPlainObject(value)) {
      const inner = acceptedPart(value, (v) => accepts({ ...kept, [key]: v }));
      if (Object.keys(inner).length) kept[key] = inner;
    }
  }
  return kept;
}

/**
 * The sample value sets of a schema, duplicates and empty ones removed (`defaults` always first).
 * `accepts` tells whether the package validates and renders a set (the schema alone cannot: the
 * templates may refuse combinations); refused sets are reduced to the part that is accepted.
 */
export function sampleValueSets(schema: JsonSchemaNode, accepts: (values: Json) => boolean = () => true): SampleValues[] {
  const defaults = defaultsOf(schema);
  const longestEnum = Math.max(0, ...enumLengths(schema));
  const modes: [string, Mode][] = [
    ['toggled', { kind: 'toggled' }],
    ['minimums', { kind: 'minimums' }],
    ...Array.from({ length: Math.min(MAX_ENUM_ROTATIONS, Math.max(0, longestEnum - 2)) }, (_, i): [string, Mode] => [`enum-${i + 2}`, { kind: 'enum', step: i + 2 }]),
  ];
  const sets: SampleValues[] = accepts({}) ? [{ name: 'defaults', values: {} }] : [];
  for (const [name, mode] of modes) {
    const full = (differenceFromDefaults(sample(schema, mode), defaults) ?? {}) as Json;
    const values = accepts(full) ? full : acceptedPart(full, accepts);
    if (Object.keys(values).length === 0 || sets.some((s) => isDeepStrictEqual(s.values, values))) continue;
    sets.push({ name, values });
  }
  return sets;
}
