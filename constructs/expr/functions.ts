/**
 * The function table: each function's Go-template form and its concrete evaluation, side by side.
 * The equivalence property test (helm template vs concrete render) holds this table honest.
 */
import { createHash } from 'node:crypto';
import type { ExprType } from './node';

/** How an argument is coerced before the Go function sees it (Helm numbers may be float64). */
export type ArgKind = 'int' | 'any';

export interface FunctionSpec {
  readonly args: readonly ArgKind[];
  /** Result type; `'arg'` means "the type of the first non-literal argument". */
  readonly type: ExprType | ((argTypes: readonly ExprType[]) => ExprType);
  /** Go-template form, from already emitted operands. */
  readonly go: (args: readonly string[]) => string;
  /** Concrete evaluation with Go/sprig semantics. */
  readonly eval: (args: readonly unknown[]) => unknown;
}

/** Raised when a template would fail (`required`, division by zero). */
export class RenderFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderFailure';
  }
}

/** text/template's notion of truth. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Go's len(): bytes of a string, items of a list or map. */
export function goLen(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') return Object.keys(value).length;
  throw new RenderFailure(`len of ${typeof value}`);
}

/** sprig's strval: how a value prints inside a string. */
export function goString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) return '';
  throw new RenderFailure(`cannot print ${JSON.stringify(value)} inside a string`);
}

function toInt64(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string') return Number.parseInt(value, 10) || 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return 0;
}

/** Go's simple (per-rune) case mapping, which never changes the number of characters. */
const SIMPLE_CASE_EXCEPTIONS: Record<string, string> = { '\u0130': 'i' };
function mapRunes(s: string, to: 'upper' | 'lower'): string {
  let out = '';
  for (const ch of s) {
    if (to === 'lower' && SIMPLE_CASE_EXCEPTIONS[ch]) {
      out += SIMPLE_CASE_EXCEPTIONS[ch];
      continue;
    }
    const mapped = to === 'upper' ? ch.toUpperCase() : ch.toLowerCase();
    out += Array.from(mapped).length === 1 ? mapped : ch;
  }
  return out;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) {
    if (op === 'eq') return a === b;
    if (op === 'ne') return a !== b;
    throw new RenderFailure(`incompatible types for comparison`);
  }
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case 'eq': return x === y;
    case 'ne': return x !== y;
    case 'lt': return x < y;
    case 'le': return x <= y;
    case 'gt': return x > y;
    default: return x >= y;
  }
}

const bool = 'boolean' as const;
const comparison = (name: string): FunctionSpec => ({
  args: ['any', 'any'],
  type: bool,
  go: ([a, b]) => `(${name} ${a} ${b})`,
  eval: ([a, b]) => compare(name, a, b),
});
const arithmetic = (name: string, fn: (a: number, b: number) => number): FunctionSpec => ({
  args: ['int', 'int'],
  type: 'int',
  go: ([a, b]) => `(${name} ${a} ${b})`,
  eval: ([a, b]) => fn(toInt64(a), toInt64(b)),
});

export const FUNCTIONS: Record<string, FunctionSpec> = {
  eq: comparison('eq'),
  ne: comparison('ne'),
  lt: comparison('lt'),
  le: comparison('le'),
  gt: comparison('gt'),
  ge: comparison('ge'),
  // text/template's and/or return one of their operands; with boolean operands that is a boolean.
  and: { args: ['any', 'any'], type: bool, go: ([a, b]) => `(and ${a} ${b})`, eval: ([a, b]) => (truthy(a) ? b : a) },
  or: { args: ['any', 'any'], type: bool, go: ([a, b]) => `(or ${a} ${b})`, eval: ([a, b]) => (truthy(a) ? a : b) },
  not: { args: ['any'], type: bool, go: ([a]) => `(not ${a})`, eval: ([a]) => !truthy(a) },
  empty: { args: ['any'], type: bool, go: ([a]) => `(empty ${a})`, eval: ([a]) => !truthy(a) },
  add: arithmetic('add', (a, b) => a + b),
  sub: arithmetic('sub', (a, b) => a - b),
  mul: arithmetic('mul', (a, b) => a * b),
  div: arithmetic('div', (a, b) => {
    if (b === 0) throw new RenderFailure('integer divide by zero');
    return Math.trunc(a / b);
  }),
  mod: arithmetic('mod', (a, b) => {
    if (b === 0) throw new RenderFailure('integer divide by zero');
    return a % b;
  }),
  max: arithmetic('max', Math.max),
  min: arithmetic('min', Math.min),
  default: {
    args: ['any', 'any'],
    type: (t) => t[1] ?? 'any',
    go: ([fallback, given]) => `(default ${fallback} ${given})`,
    eval: ([fallback, given]) => (truthy(given) ? given : fallback),
  },
  required: {
    args: ['any', 'any'],
    type: (t) => t[1] ?? 'any',
    go: ([message, given]) => `(required ${message} ${given})`,
    eval: ([message, given]) => {
      if (given === null || given === undefined || given === '') throw new RenderFailure(String(message));
      return given;
    },
  },
  ternary: {
    args: ['any', 'any', 'any'],
    type: (t) => t[0] ?? 'any',
    go: ([a, b, cond]) => `(ternary ${a} ${b} ${cond})`,
    eval: ([a, b, cond]) => (cond === true ? a : b),
  },
  hasKey: {
    args: ['any', 'any'],
    type: bool,
    go: ([map, key]) => `(hasKey ${map} ${key})`,
    eval: ([map, key]) => typeof map === 'object' && map !== null && Object.prototype.hasOwnProperty.call(map, String(key)),
  },
  index: {
    args: ['any', 'any'],
    type: 'any',
    go: ([container, key]) => `(index ${container} ${key})`,
    eval: ([container, key]) =>
      container !== null && typeof container === 'object' && Object.prototype.hasOwnProperty.call(container, String(key))
        ? (container as Record<string, unknown>)[String(key)]
        : null,
  },
  len: { args: ['any'], type: 'int', go: ([a]) => `(len ${a})`, eval: ([a]) => goLen(a) },
  str: { args: ['any'], type: 'string', go: ([a]) => `(toString ${a})`, eval: ([a]) => goString(a) },
  float64: { args: ['any'], type: 'number', go: ([a]) => `(float64 ${a})`, eval: ([a]) => Number(a) },
  int64: { args: ['any'], type: 'int', go: ([a]) => `(int64 ${a})`, eval: ([a]) => toInt64(a) },
  intToString: { args: ['int'], type: 'string', go: ([a]) => `(toString ${a})`, eval: ([a]) => String(toInt64(a)) },
  lower: { args: ['any'], type: 'string', go: ([a]) => `(lower ${a})`, eval: ([a]) => mapRunes(goString(a), 'lower') },
  upper: { args: ['any'], type: 'string', go: ([a]) => `(upper ${a})`, eval: ([a]) => mapRunes(goString(a), 'upper') },
  /**
   * The first n characters (code points). sprig's `trunc` counts bytes and can split a UTF-8
   * sequence; a regular expression in Go matches whole runes.
   */
  truncRunes: {
    args: ['int', 'any'],
    type: 'string',
    go: ([n, s]) => `(regexFind ${JSON.stringify(`(?s)^.{0,${n}}`)} ${s})`,
    eval: ([n, s]) => Array.from(goString(s)).slice(0, toInt64(n)).join(''),
  },
  trimSuffix: {
    args: ['any', 'any'],
    type: 'string',
    go: ([suffix, s]) => `(trimSuffix ${suffix} ${s})`,
    eval: ([suffix, s]) => {
      const text = goString(s);
      const tail = goString(suffix);
      return tail && text.endsWith(tail) ? text.slice(0, text.length - tail.length) : text;
    },
  },
  b64enc: {
    args: ['any'],
    type: 'string',
    go: ([a]) => `(b64enc ${a})`,
    eval: ([a]) => Buffer.from(goString(a), 'utf8').toString('base64'),
  },
  sha256sum: {
    args: ['any'],
    type: 'string',
    go: ([a]) => `(sha256sum ${a})`,
    eval: ([a]) => createHash('sha256').update(goString(a), 'utf8').digest('hex'),
  },
  /** True when a list holds the value (sprig's `has`, which answers false for a missing list). */
  has: {
    args: ['any', 'any'],
    type: bool,
    go: ([needle, haystack]) => `(has ${needle} ${haystack})`,
    eval: ([needle, haystack]) => Array.isArray(haystack) && haystack.some((item) => item === needle),
  },
  /**
   * A flat map of strings and integers with every integer turned into its decimal text (operator
   * APIs such as CloudNativePG's `postgresql.parameters` take strings only). Helm has no per-entry
   * map transform, so the Go form rewrites the map's JSON: an unescaped quote never follows `{` or
   * `,` inside a JSON string, so `[{,]"key":digits` occurs only where a value is an integer, and
   * encoding/json prints whole float64 numbers (how Helm reads YAML integers) without an exponent
   * below 1e21.
   */
  integersAsStrings: {
    args: ['any'],
    type: 'object',
    go: ([map]) => `(fromJson (regexReplaceAll ${JSON.stringify('([{,]"[^"\\\\]*":)(-?[0-9]+)')} (toJson ${map}) ${JSON.stringify('${1}"${2}"')}))`,
    eval: ([map]) => {
      if (map === null || typeof map !== 'object' || Array.isArray(map)) return {};
      return Object.fromEntries(
        Object.entries(map as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'number' ? String(Math.trunc(v)) : v]),
      );
    },
  },
  /** printf restricted to %s, %d and %%: formats the two template engines agree on. */
  printf: {
    args: ['any'],
    type: 'string',
    go: (args) => `(printf ${args.join(' ')})`,
    eval: ([format, ...rest]) => {
      let i = 0;
      return String(format).replace(/%[sd%]/g, (verb) => {
        if (verb === '%%') return '%';
        const value = rest[i++];
        return verb === '%d' ? String(toInt64(value)) : goString(value);
      });
    },
  },
};
