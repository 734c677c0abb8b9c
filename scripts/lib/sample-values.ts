/**
 * Value sets for `hearth check` to render besides the defaults: a small seeded generator of
 * partial override trees (as a user's values.yaml would be) over hearth's values schemas, and one
 * value set per enum value and per boolean flip, so every image and every conditional object is
 * rendered at least once.
 *
 * The property tests draw far more (and nastier) value sets with fast-check (test/support/
 * arbitrary.ts); fast-check is a dev dependency, and the CLI must run from the published package,
 * so this generator is deliberately plain: a seeded PRNG and per-type candidate lists. Candidates
 * that do not satisfy a pattern are skipped, and callers drop sets the validator refuses.
 */
import { defaultsOf } from '../../constructs/values/derive';
import { DNS_LABEL_PATTERN, isMap, type JsonSchemaNode } from '../../constructs/values/schema';
import { isPlainObject } from '../../constructs/util/json';

/** mulberry32: a tiny, well-distributed 32-bit PRNG; the same seed gives the same value sets. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings that are legal free text yet trip naive YAML or Go-template handling. */
const FREE_STRINGS = [
  '', 'a', 'yes', 'no', 'on', 'null', '~', '0755', '1e3', '{{ .Values.x }}', '{{ lookup "v1" "Secret" "kube-system" "x" }}',
  '"quoted"', "it's", 'a: b', '- item', '# hash', 'line1\nline2', ' padded ', 'café 日本 🎉',
];
/** Candidates for patterned strings (quantities, names, durations, schedules, URLs, addresses). */
export const PATTERNED_CANDIDATES: readonly string[] = [
  '1Gi', '10Gi', '512Mi', '100Mi', '500m', '250m', '1', '2', '0.5', '100', '1Ti', '', 'a', 'app', 'db-1', 'x'.repeat(63),
  'v1', '1.2.3', '30d', '7d', '1h', '0 0 * * * *', '*/5 * * * *', 's3://bucket/path', 'https://example.com', 'example.com',
  '10.0.0.0/8', '192.168.1.10', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE example', 'u1.medium',
];
const MAP_KEYS = ['a', 'app', 'db-1', 'team-2', 'x'.repeat(63)];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}


function fits(node: JsonSchemaNode, s: string): boolean {
  const length = [...s].length;
  if (node.minLength !== undefined && length < node.minLength) return false;
  if (node.maxLength !== undefined && length > node.maxLength) return false;
  return node.pattern === undefined || new RegExp(node.pattern, 'u').test(s);
}

function generate(node: JsonSchemaNode, base: unknown, rand: () => number): unknown {
  if (Array.isArray(node.enum)) return pick(rand, node.enum);
  switch (node.type) {
    case 'boolean':
      return rand() < 0.5;
    case 'integer':
    case 'number': {
      const min = node.minimum ?? 0;
      const max = node.maximum ?? 100;
      const r = rand();
      if (r < 0.25) return min;
      if (r < 0.5) return max;
      return node.type === 'integer' ? min + Math.floor(rand() * (max - min + 1)) : Math.round((min + rand() * (max - min)) * 100) / 100;
    }
    case 'string': {
      const pool = node.pattern === undefined ? FREE_STRINGS : PATTERNED_CANDIDATES;
      const ok = pool.filter((s) => fits(node, s));
      return ok.length ? pick(rand, ok) : node.default;
    }
    case 'array': {
      const count = Math.floor(rand() * (Math.min(node.maxItems ?? 3, 3) + 1));
      return node.items ? Array.from({ length: count }, () => generate(node.items!, undefined, rand)) : [];
    }
    case 'object': {
      if (isMap(node)) {
        const item = node.additionalProperties as JsonSchemaNode;
        const keyPattern = new RegExp(node.propertyNames?.pattern ?? DNS_LABEL_PATTERN, 'u');
        const keys = MAP_KEYS.filter((k) => keyPattern.test(k));
        const count = Math.floor(rand() * (Math.min(node.maxProperties ?? 2, 2) + 1));
        const out: Record<string, unknown> = {};
        for (let i = 0; i < count && keys.length; i++) out[pick(rand, keys)] = generate(item, undefined, rand);
        return out;
      }
      const out: Record<string, unknown> = {};
      const override = isPlainObject(base);
      for (const [k, child] of Object.entries(node.properties ?? {})) {
        const required = !override && (node.required ?? []).includes(k);
        if (required || rand() < 0.5) out[k] = generate(child, override ? base[k] : undefined, rand);
      }
      return out;
    }
    default:
      return node.default;
  }
}

/** `count` partial value sets drawn with a fixed seed (callers drop the ones the schema refuses). */
export function sampleValueSets(schema: JsonSchemaNode, count: number, seed: number): Record<string, unknown>[] {
  const rand = prng(seed);
  const base = defaultsOf(schema);
  return Array.from({ length: count }, () => generate(schema, base, rand) as Record<string, unknown>);
}

/** One value set per non-default enum value and per flipped boolean, for leaves outside maps and lists. */
export function coverageValueSets(schema: JsonSchemaNode): { label: string; values: Record<string, unknown> }[] {
  const out: { label: string; values: Record<string, unknown> }[] = [];
  const visit = (node: JsonSchemaNode, path: string[]) => {
    if (node.type === 'object' && node.properties && !isMap(node)) {
      for (const [k, child] of Object.entries(node.properties)) visit(child, [...path, k]);
      return;
    }
    const alternatives = Array.isArray(node.enum) ? node.enum.filter((v) => v !== node.default) : node.type === 'boolean' ? [!node.default] : [];
    for (const value of alternatives) {
      let values: unknown = value;
      for (const k of [...path].reverse()) values = { [k]: values };
      out.push({ label: `${path.join('.')}=${String(value)}`, values: values as Record<string, unknown> });
    }
  };
  visit(schema, []);
  return out;
}
