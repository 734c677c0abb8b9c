/**
 * Expressions as values: an `Expr` can stand wherever a construct expects a value.
 *
 * - In a template literal or any string prop it becomes a marker string (`${values.name}`).
 * - cdk8s resolves it through `resolve()` (its implicit-token protocol) to the same marker.
 * - Typed number props take `ex.num(e)`: a token double that decodes back to the expression,
 *   the way AWS CDK encodes numeric tokens.
 * The compiler later finds markers and tokens in the synthesised JSON and replaces them.
 */
import { FUNCTIONS } from './functions';
import type { ExprType, Json, Node } from './node';
import { loopRefs, type Ref } from './refs';

const NODE = Symbol.for('hearth.expr.node');
const TYPE = Symbol.for('hearth.expr.type');
const STRUCTURE = Symbol.for('hearth.expr.structure');

/** A structural form that only makes sense inside an object or list (see `ex.when`, `ex.each`). */
export type Structure =
  | { readonly form: 'when'; readonly cond: Expr; readonly value: unknown }
  | { readonly form: 'each'; readonly over: Expr; readonly keyVar: string; readonly itemVar: string; readonly body: unknown }
  | { readonly form: 'choose'; readonly cond: Expr; readonly then: unknown; readonly otherwise: unknown };

const registry = new Map<number, Expr>();
let nextId = 1;
const markerIds = new WeakMap<Expr, number>();

const MARKER_PREFIX = '@@hearth:';
/** True when a string holds at least one expression marker. */
export function hasMarker(text: string): boolean {
  return text.includes(MARKER_PREFIX);
}

export class Expr<T = unknown> {
  /** @internal */ readonly [NODE]: Node;
  /** @internal */ readonly [TYPE]: ExprType;
  /** @internal */ readonly [STRUCTURE]?: Structure;
  /** Phantom member so that `Expr<string>` and `Expr<number>` are distinct types. */
  declare readonly __valueType?: T;

  constructor(node: Node, type: ExprType, structure?: Structure) {
    this[NODE] = node;
    this[TYPE] = type;
    if (structure) this[STRUCTURE] = structure;
  }

  /** The marker that stands for this expression inside strings. */
  toString(): string {
    let id = markerIds.get(this);
    if (id === undefined) {
      id = nextId++;
      markerIds.set(this, id);
      registry.set(id, this);
    }
    return `${MARKER_PREFIX}${id}@@`;
  }

  /** cdk8s's implicit-token protocol: called while an ApiObject is serialised. */
  resolve(): string {
    return this.toString();
  }

  toJSON(): string {
    return this.toString();
  }
}

export function isExpr(value: unknown): value is Expr {
  return value instanceof Expr;
}
export function nodeOf(e: Expr): Node {
  return e[NODE];
}
export function typeOf(e: Expr): ExprType {
  return e[TYPE];
}
export function structureOf(e: Expr): Structure | undefined {
  return e[STRUCTURE];
}
export function exprForMarker(id: number): Expr {
  const e = registry.get(id);
  if (!e) throw new Error(`internal: unknown expression marker ${id}`);
  return e;
}

// ---- numeric tokens ------------------------------------------------------------------------
const scratch = new DataView(new ArrayBuffer(8));
const NUMBER_TOKEN_HIGH = 0xfbff0000;
const numberTokens = new Map<number, Expr>();

/** Decodes a token double made by `ex.num`, or returns undefined for an ordinary number. */
export function exprForNumber(n: number): Expr | undefined {
  scratch.setFloat64(0, n);
  if ((scratch.getUint32(0) & 0xffff0000) >>> 0 !== NUMBER_TOKEN_HIGH) return undefined;
  return numberTokens.get(scratch.getUint32(4));
}

function numberToken(e: Expr): number {
  const id = nextId++;
  numberTokens.set(id, e);
  scratch.setUint32(0, NUMBER_TOKEN_HIGH);
  scratch.setUint32(4, id);
  return scratch.getFloat64(0);
}

// ---- building expressions ----------------------------------------------------------------------
/** A value an expression function accepts: an expression or a JSON literal. */
export type Operand<T = unknown> = Expr<T> | (T extends Json ? T : Json);

function literalType(value: Json): ExprType {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'any';
  return 'object';
}

/** Any operand as an expression (strings with markers become concatenations). */
export function toExpr(value: unknown): Expr {
  if (isExpr(value)) return value;
  if (typeof value === 'number') {
    const token = exprForNumber(value);
    if (token) return token;
  }
  if (typeof value === 'string' && value.includes(MARKER_PREFIX)) return interpolate(value);
  return new Expr({ op: 'lit', value: value as Json }, literalType(value as Json));
}

/** A string containing markers, as one string expression. */
export function interpolate(text: string): Expr<string> {
  const parts: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(/@@hearth:(\d+)@@/g)) {
    if (match.index > last) parts.push({ op: 'lit', value: text.slice(last, match.index) });
    parts.push(nodeOf(asStringExpr(exprForMarker(Number(match[1])))));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ op: 'lit', value: text.slice(last) });
  if (parts.length === 1 && parts[0].op !== 'lit') return new Expr(parts[0], 'string');
  return new Expr({ op: 'concat', parts }, 'string');
}

function asStringExpr(e: Expr): Expr {
  const t = typeOf(e);
  if (t === 'string') return e;
  if (structureOf(e)) throw new Error('ex.when/ex.each/ex.choose cannot be embedded inside a string');
  return call(t === 'int' ? 'intToString' : 'str', e);
}

/** Functions whose operands Go compares: both sides must be of one numeric kind. */
const COMPARISONS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** Helm reads numbers from values files as float64: comparisons coerce to int64 or float64. */
function coerceForComparison(args: Expr[]): Expr[] {
  const types = args.map(typeOf);
  if (types.includes('number')) {
    return args.map((a) => (typeOf(a) === 'int' || typeOf(a) === 'number' ? call('float64', a) : a));
  }
  return args.map((a) => (typeOf(a) === 'int' && nodeOf(a).op !== 'lit' ? call('int64', a) : a));
}

function call(fn: string, ...operands: unknown[]): Expr {
  const spec = FUNCTIONS[fn];
  let args = operands.map(toExpr);
  if (COMPARISONS.has(fn)) args = coerceForComparison(args);
  const type = typeof spec.type === 'function' ? spec.type(args.map(typeOf)) : spec.type;
  return new Expr({ op: 'call', fn, args: args.map(nodeOf) }, type);
}

function fold(fn: 'and' | 'or', operands: readonly unknown[]): Expr<boolean> {
  if (operands.length === 0) throw new Error(`ex.${fn} needs at least one operand`);
  return operands.slice(1).reduce<Expr>((acc, x) => call(fn, acc, x), toExpr(operands[0])) as Expr<boolean>;
}

let loopCounter = 0;

/** Expression functions. Each has a Go-template form and a concrete evaluation. */
export const ex = {
  /** A constant. */
  lit<T extends Json>(value: T): Expr<T> {
    return toExpr(value) as Expr<T>;
  },
  /** For props typed `string`: the marker string. */
  str(e: Operand<string>): string {
    return isExpr(e) ? e.toString() : String(e);
  },
  /** For props typed `number`: a token double that the compiler decodes. */
  num(e: Operand<number>): number {
    return isExpr(e) ? numberToken(e) : (e as number);
  },
  /** For props typed `boolean`. */
  bool(e: Operand<boolean>): boolean {
    return e as unknown as boolean;
  },
  /** For props of object or list type (written with toYaml). */
  obj<T>(e: Expr<unknown>): T {
    return e as unknown as T;
  },

  eq: (a: unknown, b: unknown) => call('eq', a, b) as Expr<boolean>,
  ne: (a: unknown, b: unknown) => call('ne', a, b) as Expr<boolean>,
  lt: (a: unknown, b: unknown) => call('lt', a, b) as Expr<boolean>,
  le: (a: unknown, b: unknown) => call('le', a, b) as Expr<boolean>,
  gt: (a: unknown, b: unknown) => call('gt', a, b) as Expr<boolean>,
  ge: (a: unknown, b: unknown) => call('ge', a, b) as Expr<boolean>,
  and: (...operands: unknown[]) => fold('and', operands),
  or: (...operands: unknown[]) => fold('or', operands),
  not: (a: unknown) => call('not', a) as Expr<boolean>,
  /** True when the value is empty: "", 0, false, an empty map or list. */
  empty: (a: unknown) => call('empty', a) as Expr<boolean>,
  add: (a: Operand<number>, b: Operand<number>) => call('add', a, b) as Expr<number>,
  sub: (a: Operand<number>, b: Operand<number>) => call('sub', a, b) as Expr<number>,
  mul: (a: Operand<number>, b: Operand<number>) => call('mul', a, b) as Expr<number>,
  /** Integer division, truncated toward zero. */
  div: (a: Operand<number>, b: Operand<number>) => call('div', a, b) as Expr<number>,
  mod: (a: Operand<number>, b: Operand<number>) => call('mod', a, b) as Expr<number>,
  max: (a: Operand<number>, b: Operand<number>) => call('max', a, b) as Expr<number>,
  min: (a: Operand<number>, b: Operand<number>) => call('min', a, b) as Expr<number>,
  /** `value` unless it is empty, then `fallback`. */
  default: <T>(value: Operand<T>, fallback: Operand<T>) => call('default', fallback, value) as Expr<T>,
  /** Fails the render with `message` when the value is missing or "". */
  required: <T>(value: Operand<T>, message: string) => call('required', message, value) as Expr<T>,
  /** `a` when `cond` is true, else `b` (both are evaluated: use for scalars). */
  ternary: <T>(cond: Operand<boolean>, a: Operand<T>, b: Operand<T>) => call('ternary', a, b, cond) as Expr<T>,
  hasKey: (map: Expr, key: Operand<string>) => call('hasKey', map, key) as Expr<boolean>,
  /** `container[key]` for a map or list; `type` says what the entry holds. */
  index: <T = unknown>(container: unknown, key: unknown, type: ExprType = 'any'): Expr<T> => {
    const e = call('index', container, key);
    return new Expr<T>(nodeOf(e), type);
  },
  /** True when the list holds the value (false for a missing list). */
  has: (list: unknown, value: unknown) => call('has', value, list) as Expr<boolean>,
  /** A flat map of strings and integers with the integers written as decimal strings. */
  integersAsStrings: <T = Record<string, string>>(map: Expr) => call('integersAsStrings', map) as Expr<T>,
  len: (a: Expr) => call('len', a) as Expr<number>,
  toString: (a: unknown) => asStringExpr(toExpr(a)) as Expr<string>,
  lower: (a: Operand<string>) => call('lower', a) as Expr<string>,
  upper: (a: Operand<string>) => call('upper', a) as Expr<string>,
  /** The first `n` characters of a string. */
  trunc: (a: Operand<string>, n: number) => call('truncRunes', n, a) as Expr<string>,
  trimSuffix: (a: Operand<string>, suffix: string) => call('trimSuffix', suffix, a) as Expr<string>,
  b64enc: (a: Operand<string>) => call('b64enc', a) as Expr<string>,
  sha256: (a: Operand<string>) => call('sha256sum', a) as Expr<string>,
  /** String formatting with `%s`, `%d` and `%%`. */
  format(format: string, ...args: unknown[]): Expr<string> {
    const verbs = [...format.matchAll(/%([sd%])/g)].map((m) => m[1]).filter((v) => v !== '%');
    if (verbs.length !== args.length) throw new Error(`ex.format('${format}'): ${verbs.length} verbs but ${args.length} arguments`);
    if (/%[^sd%]/.test(format)) throw new Error(`ex.format('${format}'): only %s, %d and %% are supported`);
    const coerced = args.map((a, i) => (verbs[i] === 'd' ? call('int64', a) : asStringExpr(toExpr(a))));
    return call('printf', format, ...coerced) as Expr<string>;
  },
  /** Concatenates strings (template literals do the same: `${a}-${b}`). */
  concat: (...parts: unknown[]) => interpolate(parts.map((p) => (isExpr(p) ? p.toString() : String(p))).join('')),

  // ---- structure -----------------------------------------------------------------------------
  /** Inside an object: the key is present only when `cond` holds. Inside a list: the item is. */
  when<T>(cond: Operand<boolean>, value: T): T {
    return new Expr({ op: 'lit', value: null }, 'any', { form: 'when', cond: toExpr(cond), value }) as unknown as T;
  },
  /** Inside a list: one item per entry of a list or map value (`range`). */
  each<I, R>(over: Expr<I[]> | Expr<Record<string, I>>, body: (item: Ref<I>, key: Expr<string>) => R): R {
    const { keyVar, itemVar } = newLoopVars();
    const { item, key } = loopRefs<I>(over, keyVar, itemVar);
    return new Expr({ op: 'lit', value: null }, 'any', { form: 'each', over, keyVar, itemVar, body: body(item, key) }) as unknown as R;
  },
  /** A value that is `then` when `cond` holds, else `otherwise` (any shape, even whole objects). */
  choose<T>(cond: Operand<boolean>, then: T, otherwise: T): T {
    return new Expr({ op: 'lit', value: null }, 'any', { form: 'choose', cond: toExpr(cond), then, otherwise }) as unknown as T;
  },
};

/** Builds a raw expression (used by refs, the release context and helpers). */
export function makeExpr<T>(node: Node, type: ExprType): Expr<T> {
  return new Expr<T>(node, type);
}
export function callExpr<T>(fn: string, ...operands: unknown[]): Expr<T> {
  return call(fn, ...operands) as Expr<T>;
}
/**
 * Restarts loop variable numbering. The compiler calls it before each package's `build`, so a
 * chart's variable names depend on that package alone (not on what was compiled before it in the
 * same process) and its content digest stays the same from build to build.
 */
export function resetLoopVars(): void {
  loopCounter = 0;
}

/** Allocates loop variable names for a resource-level `each`. */
export function newLoopVars(): { keyVar: string; itemVar: string } {
  const n = ++loopCounter;
  return { keyVar: `k${n}`, itemVar: `v${n}` };
}
