/**
 * Random user value sets for property tests: partial override trees, as a user's values.yaml
 * would be, that are valid against a package's values schema once merged onto the defaults.
 * The generator follows Helm's coalescing: objects merge (so any key may be left to the default),
 * map entries add to the default entries (and override those they share a key with), lists and
 * scalars replace. It never emits `null` (the key-deleting override).
 *
 * The generator reads the plain JSON schema (`toPlainSchema`), so it covers exactly the shapes the
 * `v` helpers produce: strings (enum, pattern, length bounds), integers, numbers, booleans, strict
 * objects, maps (`x-hearth-map`) and lists. Free strings lean on values that break naive YAML or
 * Go-template handling (YAML 1.1 booleans and numbers, `{{ }}`, quotes, newlines, unicode) but never
 * carry characters YAML cannot round-trip (control characters other than tab and newline, line
 * separators, a BOM, lone surrogates). Everything draws from fast-check's random source, so a seed
 * reproduces a value set exactly.
 */
import fc from 'fast-check';
import { defaultsOf } from '../../constructs/values/derive';
import { DNS_LABEL_PATTERN, isMap, type JsonSchemaNode } from '../../constructs/values/schema';
import { isPlainObject } from '../../constructs/util/json';

/** Map and list sizes when the schema sets no `maxProperties` / `maxItems`. */
const DEFAULT_MAX_ENTRIES = 4;
/** Bounds used when an integer or number schema declares none (the `v` helpers always do). */
const DEFAULT_MIN = -1_000_000;
const DEFAULT_MAX = 1_000_000;

/** Scalars YAML 1.1 reads as something other than a string when they are left unquoted. */
export const YAML_11_TRAPS: readonly string[] = [
  'yes', 'no', 'Yes', 'NO', 'y', 'n', 'Y', 'on', 'off', 'On', 'OFF',
  'true', 'false', 'True', 'FALSE',
  '~', 'null', 'Null', 'NULL',
  '0755', '0o17', '0x1F', '0b101', '1e3', '1_000', '+12', '-0', '3.0', '12:30:00', '190:20:30',
  '.inf', '-.inf', '.NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '-', '', '=', '<<', '?', '*alias', '&anchor', '!tag', '!!str', '%YAML', '@at', '`tick', '|', '>', '[]', '{}', ',',
];

/**
 * Strings that go wrong in Go templates, YAML quoting or text handling; all legal values.
 * Not here: the text `<no value>`, which Helm deletes from every rendered template. Charts keep it
 * in scalar strings (written with toJson); maps and lists written with toYaml cannot, in any chart.
 */
const NASTY_STRINGS: readonly string[] = [
  // Go template syntax that must reach the cluster as written.
  '{{ .Values.x }}', '{{ lookup "v1" "Secret" "" "" }}', '}}', '{{', '{{-', '-}}', '{{/* comment */}}', '{{ "{{" }}',
  'a {{ .Release.Name }} b', '{{ include "x" . | nindent 4 }}', '$', '$x', '%d', '%s %v', '%!s(MISSING)',
  // Quotes, escapes and YAML indicators.
  '"', "'", '"quoted"', "'single'", `it's "both"`, '\\', 'C:\\path\\to', '\\n', '\\u0041', '#', 'a #comment', '# leading hash',
  ': ', 'key: value', 'a:b', '- item', '[a, b]', '{a: b}', '&', '*', '!', '|-', '>-', '---', '...', '? x',
  // Whitespace at the edges and inside.
  ' ', '  ', ' leading', 'trailing ', ' both ', '\t', '\ttab first', 'tab\tinside', 'tab last\t',
  '\n', '\n\n', 'line1\nline2', 'line1\n\n\nline4', 'trailing newline\n', 'trailing newlines\n\n\n', '\nleading newline',
  ' \n ', 'a\n b\n  c', 'a \nb',
  // Unicode.
  'é', 'café', 'naïve', '日本', '日本語のテキスト', '🎉', '👍🏽', 'e\u0301', 'Ω≈ç√∫', '\u00a0nbsp', 'עברית', 'mixed 日本 🎉 é',
];

/** Pieces concatenated into mixed nasty strings (`yes: {{ x }}\n`). */
const FRAGMENTS: readonly string[] = [
  'yes', 'no', 'on', 'null', '~', 'true', '0755', '0x1F', '1e3', '.inf', '-',
  '{{', '}}', ' .Values.x ', '"', "'", '\\', '#', ': ', ' ', '\t', '\n', 'é', '日本', '🎉', 'abc', 'Z', '0', '%',
];

const SHORT_KEY_MAX = 12;
const LONG_KEY_MAX = 63;

/** True for a code point YAML carries faithfully inside a scalar (tab and newline allowed). */
function isYamlSafeCodePoint(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a) return true;
  if (cp < 0x20 || cp === 0x7f) return false; // C0 controls, DEL
  if (cp >= 0x80 && cp <= 0x9f) return false; // C1 controls, including NEL (a YAML 1.1 line break)
  if (cp === 0x2028 || cp === 0x2029) return false; // YAML 1.1 line and paragraph separators
  if (cp >= 0xd800 && cp <= 0xdfff) return false; // lone surrogates
  if (cp === 0xfeff || cp === 0xfffe || cp === 0xffff) return false; // BOM, non-characters
  return cp <= 0x10ffff;
}

/** True when every character of the string survives a YAML round trip. */
export function isYamlSafeString(s: string): boolean {
  for (const ch of s) if (!isYamlSafeCodePoint(ch.codePointAt(0)!)) return false;
  return true;
}

function sanitize(s: string): string {
  let out = '';
  for (const ch of s) if (isYamlSafeCodePoint(ch.codePointAt(0)!)) out += ch;
  return out;
}

/** Length as JSON schema (and ajv) counts it: code points. */
function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function fitLength(s: string, min: number, max: number): string {
  const points = [...s];
  if (points.length > max) return points.slice(0, max).join('');
  if (points.length < min) return s + 'x'.repeat(min - points.length);
  return s;
}

function stringArbitrary(node: JsonSchemaNode): fc.Arbitrary<string> {
  const min = node.minLength ?? 0;
  const max = node.maxLength ?? 200;
  const within = (s: string) => {
    const n = codePointLength(s);
    return n >= min && n <= max;
  };
  if (node.pattern !== undefined) {
    const re = new RegExp(node.pattern);
    return fc
      .stringMatching(re, { maxLength: max })
      .filter((s) => within(s) && isYamlSafeString(s) && re.test(s));
  }
  const fit = (s: string) => fitLength(sanitize(s), min, max);
  const candidates: fc.WeightedArbitrary<string>[] = [];
  const traps = YAML_11_TRAPS.filter(within);
  if (traps.length) candidates.push({ arbitrary: fc.constantFrom(...traps), weight: 3 });
  const nasty = NASTY_STRINGS.filter(within);
  if (nasty.length) candidates.push({ arbitrary: fc.constantFrom(...nasty), weight: 4 });
  const random = (unit: 'grapheme' | 'grapheme-ascii' | 'binary') => fc.string({ unit, maxLength: Math.min(max, 64) }).map(fit);
  candidates.push(
    { arbitrary: fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 5 }).map((parts) => fit(parts.join(''))), weight: 3 },
    { arbitrary: random('grapheme-ascii'), weight: 3 },
    { arbitrary: random('grapheme'), weight: 2 },
    { arbitrary: random('binary'), weight: 1 },
  );
  return fc.oneof(...candidates).filter(within);
}

function integerArbitrary(node: JsonSchemaNode): fc.Arbitrary<number> {
  const min = Math.ceil(node.minimum ?? DEFAULT_MIN);
  const max = Math.floor(node.maximum ?? DEFAULT_MAX);
  if (min > max) throw new Error(`valuesArbitrary: empty integer range [${node.minimum}, ${node.maximum}]`);
  const candidates: fc.WeightedArbitrary<number>[] = [
    { arbitrary: fc.constantFrom(min, max), weight: 3 },
    { arbitrary: fc.integer({ min, max: Math.min(max, min + 3) }), weight: 1 },
    { arbitrary: fc.integer({ min: Math.max(min, max - 3), max }), weight: 1 },
    { arbitrary: fc.integer({ min, max }), weight: 3 },
  ];
  const smallMin = Math.max(min, -10);
  const smallMax = Math.min(max, 10);
  if (smallMin <= smallMax) candidates.push({ arbitrary: fc.integer({ min: smallMin, max: smallMax }), weight: 2 });
  return fc.oneof(...candidates);
}

/** Numbers of the form k/100 (or whole numbers), so their decimal form is short and exact. */
function numberArbitrary(node: JsonSchemaNode): fc.Arbitrary<number> {
  const lo = node.minimum ?? DEFAULT_MIN;
  const hi = node.maximum ?? DEFAULT_MAX;
  const kMin = Math.ceil(lo * 100);
  const kMax = Math.floor(hi * 100);
  if (kMin > kMax) throw new Error(`valuesArbitrary: no hundredths in number range [${lo}, ${hi}]`);
  const inRange = (x: number) => x >= lo && x <= hi;
  const candidates: fc.WeightedArbitrary<number>[] = [
    { arbitrary: fc.integer({ min: kMin, max: kMax }).map((k) => k / 100 + 0), weight: 4 },
    { arbitrary: fc.constantFrom(kMin / 100 + 0, kMax / 100 + 0), weight: 1 },
  ];
  const iMin = Math.ceil(lo);
  const iMax = Math.floor(hi);
  if (iMin <= iMax) candidates.push({ arbitrary: fc.integer({ min: iMin, max: iMax }).map((i) => i + 0), weight: 2 });
  return fc.oneof(...candidates).filter(inRange);
}

function mapKeyArbitrary(node: JsonSchemaNode): fc.Arbitrary<string> {
  const re = new RegExp(node.propertyNames?.pattern ?? DNS_LABEL_PATTERN);
  const ok = (s: string) => re.test(s) && isYamlSafeString(s);
  const short = fc.stringMatching(re, { maxLength: SHORT_KEY_MAX }).filter((s) => s.length >= 1 && ok(s));
  const long = fc
    .stringMatching(re, { maxLength: LONG_KEY_MAX, size: 'max' })
    .filter((s) => s.length > SHORT_KEY_MAX && s.length <= LONG_KEY_MAX && ok(s));
  return fc.oneof({ arbitrary: short, weight: 5 }, { arbitrary: long, weight: 1 });
}

/** A canonical text form for deep equality (key order ignored), as `uniqueItems` compares. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}


/**
 * The generator for one schema node. `base` is what the generated value is merged onto, the way
 * Helm coalesces user values onto chart defaults: when it is an object, the value is an override
 * (every key may be left out, map entries add to the base's), otherwise the value stands alone
 * (required keys present, optional keys may be absent), as inside list items and new map entries.
 */
function nodeArbitrary(node: JsonSchemaNode, base: unknown, path: string): fc.Arbitrary<unknown> {
  const where = path || '(root)';
  if (Array.isArray(node.enum)) {
    if (node.enum.length === 0) throw new Error(`valuesArbitrary: ${where}: empty enum`);
    return fc.constantFrom(...node.enum);
  }
  // A union of scalar types (`type: [string, integer]`): a value of any one of them.
  const types: unknown = node.type;
  if (Array.isArray(types)) {
    if (types.length === 0) throw new Error(`valuesArbitrary: ${where}: empty type list`);
    return fc.oneof(...types.map((type) => nodeArbitrary({ ...node, type: String(type) }, base, path)));
  }
  switch (node.type) {
    case 'string':
      return stringArbitrary(node);
    case 'integer':
      return integerArbitrary(node);
    case 'number':
      return numberArbitrary(node);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      // Lists replace the base as a whole.
      if (!node.items) throw new Error(`valuesArbitrary: ${where}: array without 'items'`);
      const item = nodeArbitrary(node.items, undefined, `${path}[]`);
      const constraints = { minLength: (node.minItems as number | undefined) ?? 0, maxLength: node.maxItems ?? DEFAULT_MAX_ENTRIES };
      return node.uniqueItems === true
        ? fc.uniqueArray(item, { ...constraints, selector: canonical })
        : fc.array(item, constraints);
    }
    case 'object':
      return isMap(node) ? mapArbitrary(node, base, where) : objectArbitrary(node, base, path);
    default:
      throw new Error(`valuesArbitrary: ${where}: unsupported schema type ${JSON.stringify(node.type)}`);
  }
}

function objectArbitrary(node: JsonSchemaNode, base: unknown, path: string): fc.Arbitrary<unknown> {
  const properties = node.properties ?? {};
  const override = isPlainObject(base);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, child] of Object.entries(properties)) {
    model[key] = nodeArbitrary(child, override ? base[key] : undefined, path ? `${path}.${key}` : key);
  }
  const requiredKeys = override ? [] : (node.required ?? []).filter((k) => k in properties);
  return fc.record(model, { requiredKeys, noNullPrototype: true });
}

/**
 * A map's entries. Merged onto a base map, the result holds the base's keys too, so new keys only
 * use what `maxProperties` leaves; entries that reuse a base key override (merge onto) its value.
 */
function mapArbitrary(node: JsonSchemaNode, base: unknown, where: string): fc.Arbitrary<unknown> {
  if (typeof node.additionalProperties !== 'object') throw new Error(`valuesArbitrary: ${where}: map without an item schema`);
  const item = node.additionalProperties;
  const baseKeys = isPlainObject(base) ? Object.keys(base) : [];
  const limit = node.maxProperties ?? DEFAULT_MAX_ENTRIES;
  const room = node.maxProperties === undefined ? DEFAULT_MAX_ENTRIES : Math.max(0, node.maxProperties - baseKeys.length);
  const fresh = fc.uniqueArray(
    fc.tuple(
      mapKeyArbitrary(node).filter((k) => !baseKeys.includes(k)),
      nodeArbitrary(item, undefined, `${where}.*`),
    ),
    {
      minLength: Math.min(room, Math.max(0, ((node.minProperties as number | undefined) ?? 0) - baseKeys.length)),
      maxLength: Math.min(room, limit),
      selector: ([key]) => key,
    },
  );
  if (baseKeys.length === 0) return fresh.map((entries) => Object.fromEntries(entries));
  const reused: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of baseKeys) reused[key] = nodeArbitrary(item, (base as Record<string, unknown>)[key], `${where}.${key}`);
  return fc
    .tuple(fc.record(reused, { requiredKeys: [], noNullPrototype: true }), fresh)
    .map(([overrides, entries]) => Object.fromEntries([...Object.entries(overrides), ...entries]));
}

/** Random user value sets that are valid against the schema: a partial override tree (as a user's values.yaml would be). */
export function valuesArbitrary(schema: JsonSchemaNode): fc.Arbitrary<Record<string, unknown>> {
  if (schema.type !== 'object' || isMap(schema)) throw new Error('valuesArbitrary: the root schema must be a strict object');
  return nodeArbitrary(schema, defaultsOf(schema) ?? {}, '') as fc.Arbitrary<Record<string, unknown>>;
}

/** `count` value sets drawn with a fixed seed (the same seed gives the same list). */
export function sampleValues(schema: JsonSchemaNode, count: number, seed: number): Record<string, unknown>[] {
  return fc.sample(valuesArbitrary(schema), { numRuns: count, seed });
}
