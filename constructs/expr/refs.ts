/**
 * Value references: the typed tree of expressions a package's `build` receives as `values`.
 * `values.redis.replicas` is an `Expr<number>` for `$.Values.redis.replicas`; objects are
 * expressions too (`values.resources` can be written whole) and also expose their children.
 */
import { defaultsOf } from '../values/derive';
import { isMap, type JsonSchemaNode } from '../values/schema';
import { Expr, makeExpr } from './expr';
import type { ExprType, Json, Node } from './node';

/** The expression tree for a value of type T. */
export type Ref<T> = [T] extends [readonly unknown[]]
  ? Expr<T>
  : [T] extends [Record<string, unknown>]
    ? Expr<T> & { readonly [K in keyof T]-?: Ref<Exclude<T[K], undefined>> }
    : Expr<T>;

const schemas = new WeakMap<Expr, JsonSchemaNode>();

/** The schema a reference was made from, if it was made from one. */
export function schemaOfRef(e: Expr): JsonSchemaNode | undefined {
  return schemas.get(e);
}

export function exprTypeOf(schema: JsonSchemaNode): ExprType {
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
      return 'int';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'object';
    case 'array':
      return 'array';
    default:
      return 'any';
  }
}

/**
 * What an absent optional key of a map or list item reads as: its default, and for an object
 * without one the defaults of its children (so `item.tls.enabled` works when `tls` is left out,
 * instead of indexing nil).
 */
function fallbackOf(schema: JsonSchemaNode): Json {
  if (schema.default !== undefined) return schema.default as Json;
  if (schema.type === 'object' && schema.properties && !isMap(schema)) return defaultsOf(schema) as Json;
  return null;
}

/** Builds the reference tree for `schema` rooted at `node`. */
export function refOf<T>(schema: JsonSchemaNode, node: Node): Ref<T> {
  const e = makeExpr(node, exprTypeOf(schema));
  schemas.set(e, schema);
  if (schema.type === 'object' && schema.properties && !isMap(schema)) {
    const required = new Set(schema.required ?? []);
    for (const [key, child] of Object.entries(schema.properties)) {
      const childNode: Node =
        node.op === 'values'
          ? { op: 'values', path: [...node.path, key] }
          : { op: 'field', of: node, key, ...(required.has(key) ? {} : { fallback: fallbackOf(child) }) };
      Object.defineProperty(e, key, { value: refOf(child, childNode), enumerable: true });
    }
  }
  return e as Ref<T>;
}

/** The item schema and key type of a map or list reference (for `each`). */
export function itemSchemaOf(over: Expr): { item: JsonSchemaNode | undefined; keyType: ExprType } {
  const schema = schemaOfRef(over);
  if (!schema) return { item: undefined, keyType: 'any' };
  if (isMap(schema)) {
    const item = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    return { item, keyType: 'string' };
  }
  if (schema.type === 'array') return { item: schema.items, keyType: 'int' };
  throw new Error(`each: ${JSON.stringify(schema.description ?? '')} is neither a map nor a list`);
}

/** The loop variables of an `each`, typed from the iterated value's schema. */
export function loopRefs<I>(over: Expr, keyVar: string, itemVar: string): { item: Ref<I>; key: Expr<string> } {
  const { item, keyType } = itemSchemaOf(over);
  const itemNode: Node = { op: 'var', name: itemVar };
  const itemRef = item ? refOf<I>(item, itemNode) : (makeExpr(itemNode, 'any') as Ref<I>);
  return { item: itemRef, key: makeExpr<string>({ op: 'var', name: keyVar }, keyType) };
}

export { Expr };
