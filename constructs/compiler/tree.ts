/**
 * The template tree: a synthesised object with its expressions and structure made explicit.
 * Built once per package from cdk8s's JSON; written out as Go-template YAML (writer.ts) or
 * evaluated into a plain object (here), so both modes share one source.
 */
import {
  Expr,
  exprForMarker,
  hasMarker,
  exprForNumber,
  interpolate,
  isExpr,
  nodeOf,
  structureOf,
} from '../expr/expr';
import { evaluate, type EvalEnv } from '../expr/evaluate';
import { truthy } from '../expr/functions';

export type Scalar = string | number | boolean | null;

export type TNode =
  | { readonly t: 'scalar'; readonly value: Scalar }
  | { readonly t: 'expr'; readonly expr: Expr }
  | { readonly t: 'map'; readonly entries: readonly MapEntry[] }
  | { readonly t: 'list'; readonly items: readonly ListItem[] }
  | { readonly t: 'choose'; readonly cond: Expr; readonly then: TNode; readonly otherwise: TNode };

export interface MapEntry {
  readonly key: string;
  readonly value: TNode;
  /** The entry exists only when this holds. */
  readonly cond?: Expr;
}

export type ListItem =
  | { readonly t: 'item'; readonly node: TNode; readonly cond?: Expr }
  | {
    readonly t: 'each';
    readonly over: Expr;
    readonly keyVar: string;
    readonly itemVar: string;
    readonly body: TNode;
    /** Only entries for which this holds give an item (`ex.each(xs, (x) => ex.when(cond, item))`). */
    readonly cond?: Expr;
  };

/** Thrown for constructs that cannot be compiled; the message says where and what to do. */
export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

/** A whole-string marker (`"@@hearth:7@@"`) as its expression. */
function soleMarker(text: string): Expr | undefined {
  const m = /^@@hearth:(\d+)@@$/.exec(text);
  return m ? exprForMarker(Number(m[1])) : undefined;
}

function fromExpr(e: Expr, where: string): TNode {
  const structure = structureOf(e);
  if (structure?.form === 'choose') {
    return { t: 'choose', cond: structure.cond, then: toTree(structure.then, where), otherwise: toTree(structure.otherwise, where) };
  }
  if (structure) {
    throw new CompileError(`${where}: ex.${structure.form}() can only be the value of an object key or a list item`);
  }
  const node = nodeOf(e);
  if (node.op === 'lit' && (node.value === null || typeof node.value !== 'object')) return { t: 'scalar', value: node.value };
  if (node.op === 'lit') return toTree(node.value, where);
  return { t: 'expr', expr: e };
}

function asExpr(value: unknown): Expr | undefined {
  if (isExpr(value)) return value;
  if (typeof value === 'string') return soleMarker(value);
  return undefined;
}

/** Converts synthesised JSON (with markers, token numbers or raw expressions) into a tree. */
export function toTree(value: unknown, where: string): TNode {
  const e = asExpr(value);
  if (e) return fromExpr(e, where);
  if (value === null || value === undefined) return { t: 'scalar', value: null };
  if (typeof value === 'string') {
    return hasMarker(value) ? { t: 'expr', expr: interpolate(value) } : { t: 'scalar', value };
  }
  if (typeof value === 'number') {
    const token = exprForNumber(value);
    if (token) return fromExpr(token, where);
    return { t: 'scalar', value };
  }
  if (typeof value === 'boolean') return { t: 'scalar', value };
  if (Array.isArray(value)) {
    return {
      t: 'list',
      items: value.map((item, i): ListItem => {
        const at = `${where}[${i}]`;
        const s = asExpr(item) && structureOf(asExpr(item)!);
        if (s?.form === 'when') return { t: 'item', node: toTree(s.value, at), cond: s.cond };
        if (s?.form === 'each') {
          const filter = asExpr(s.body) && structureOf(asExpr(s.body)!);
          if (filter?.form === 'when') {
            return { t: 'each', over: s.over, keyVar: s.keyVar, itemVar: s.itemVar, body: toTree(filter.value, at), cond: filter.cond };
          }
          return { t: 'each', over: s.over, keyVar: s.keyVar, itemVar: s.itemVar, body: toTree(s.body, at) };
        }
        return { t: 'item', node: toTree(item, at) };
      }),
    };
  }
  if (typeof value === 'object') {
    const entries: MapEntry[] = [];
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const at = where ? `${where}.${key}` : key;
      if (hasMarker(key)) throw new CompileError(`${at}: object keys cannot be expressions`);
      if (child === undefined) continue;
      const s = asExpr(child) && structureOf(asExpr(child)!);
      if (s?.form === 'when') entries.push({ key, value: toTree(s.value, at), cond: s.cond });
      else if (s?.form === 'each') throw new CompileError(`${at}: ex.each() belongs inside a list`);
      else entries.push({ key, value: toTree(child, at) });
    }
    return { t: 'map', entries };
  }
  throw new CompileError(`${where}: cannot render a value of type ${typeof value}`);
}

function iterate(over: unknown): [unknown, unknown][] {
  if (Array.isArray(over)) return over.map((v, i) => [i, v]);
  if (over && typeof over === 'object') {
    // Go's range visits map keys in sorted order.
    return Object.keys(over as object)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((k) => [k, (over as Record<string, unknown>)[k]]);
  }
  return [];
}

export function withVars(env: EvalEnv, vars: Record<string, unknown>): EvalEnv {
  return { ...env, vars: { ...env.vars, ...vars } };
}

/** Loop bindings of an `each` over a concrete value. */
export function loopBindings(over: unknown, keyVar: string, itemVar: string): Record<string, unknown>[] {
  return iterate(over).map(([k, v]) => ({ [keyVar]: k, [itemVar]: v }));
}

/** Concrete mode: the tree evaluated against values. */
export function evalTree(node: TNode, env: EvalEnv): unknown {
  switch (node.t) {
    case 'scalar':
      return node.value;
    case 'expr':
      return evaluate(nodeOf(node.expr), env);
    case 'choose':
      return evalTree(truthy(evaluate(nodeOf(node.cond), env)) ? node.then : node.otherwise, env);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) {
        if (entry.cond && !truthy(evaluate(nodeOf(entry.cond), env))) continue;
        out[entry.key] = evalTree(entry.value, env);
      }
      return out;
    }
    case 'list': {
      const out: unknown[] = [];
      for (const item of node.items) {
        if (item.t === 'item') {
          if (item.cond && !truthy(evaluate(nodeOf(item.cond), env))) continue;
          out.push(evalTree(item.node, env));
        } else {
          for (const vars of loopBindings(evaluate(nodeOf(item.over), env), item.keyVar, item.itemVar)) {
            const scoped = withVars(env, vars);
            if (item.cond && !truthy(evaluate(nodeOf(item.cond), scoped))) continue;
            out.push(evalTree(item.body, scoped));
          }
        }
      }
      return out;
    }
  }
}
