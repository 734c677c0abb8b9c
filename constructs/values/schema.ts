/**
 * The values model: a thin layer over TypeBox that enforces hearth's conventions.
 *
 * TypeBox gives the static TypeScript type of the values (`Static<typeof schema>`) and the JSON
 * schema in one object; this module only adds what every hearth chart promises:
 * - every leaf has a `description` and a `default` (the compiler derives values.yaml from them);
 * - objects are strict (`additionalProperties: false`) unless they are declared maps;
 * - UI hints live in `x-hearth-*` keywords that the validator registers, so ajv stays strict.
 */
import { Type, type Static, type TSchema, type TObject, type TProperties } from '@sinclair/typebox';

export { Type, type Static, type TSchema };

/** Hints for the catalog form; serialised as `x-hearth-*` keywords. */
export interface UiHints {
  /**
   * Where a dropdown takes its options from at install time (e.g. `storageClasses`, `instanceTypes`).
   * @default - a free text field
   */
  readonly optionsFrom?: 'storageClasses' | 'instanceTypes' | 'namespaces';
  /**
   * The field cannot change after the first install (the form locks it on upgrade).
   * @default false
   */
  readonly immutable?: boolean;
  /**
   * The field holds a secret; the form masks it.
   * @default false
   */
  readonly secret?: boolean;
  /**
   * Hidden from the basic form (shown under "advanced").
   * @default false
   */
  readonly advanced?: boolean;
}

interface LeafOptions<T> extends UiHints {
  /** One sentence: what the value does. Shown in values.yaml, README and the catalog form. */
  readonly description: string;
  /** The value used when the user gives none. */
  readonly default: T;
}

/** Keys that would shadow the members an expression needs at runtime. */
const RESERVED_KEYS = new Set(['toString', 'toJSON', 'resolve', 'valueOf', 'constructor', '__proto__', 'prototype']);

function hints(h: UiHints): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (h.optionsFrom) out['x-hearth-options-from'] = h.optionsFrom;
  if (h.immutable) out['x-hearth-immutable'] = true;
  if (h.secret) out['x-hearth-secret'] = true;
  if (h.advanced) out['x-hearth-advanced'] = true;
  return out;
}

function leafOptions<T>(o: LeafOptions<T>): Record<string, unknown> {
  return { description: o.description, default: o.default, ...hints(o) };
}

/** Kubernetes resource quantity such as `10Gi`, `500m`, `2`. Exponents and signs are refused. */
export const QUANTITY_PATTERN = '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
/** A DNS-1123 label: lower case alphanumerics and '-', at most 63 characters. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';

export const v = {
  string(o: LeafOptions<string> & { readonly pattern?: string; readonly minLength?: number; readonly maxLength?: number }) {
    return Type.String({
      ...leafOptions(o),
      ...(o.pattern !== undefined ? { pattern: o.pattern } : {}),
      ...(o.minLength !== undefined ? { minLength: o.minLength } : {}),
      ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}),
    });
  },
  /** A Kubernetes quantity (`10Gi`, `500m`); the empty string means "not set" when `allowEmpty`. */
  quantity(o: LeafOptions<string> & { readonly allowEmpty?: boolean }) {
    const pattern = o.allowEmpty ? `^$|${QUANTITY_PATTERN}` : QUANTITY_PATTERN;
    return Type.String({ ...leafOptions(o), pattern, 'x-hearth-format': 'quantity' });
  },
  integer(o: LeafOptions<number> & { readonly minimum: number; readonly maximum: number }) {
    return Type.Integer({ ...leafOptions(o), minimum: o.minimum, maximum: o.maximum });
  },
  number(o: LeafOptions<number> & { readonly minimum: number; readonly maximum: number }) {
    return Type.Number({ ...leafOptions(o), minimum: o.minimum, maximum: o.maximum });
  },
  boolean(o: LeafOptions<boolean>) {
    return Type.Boolean(leafOptions(o));
  },
  /** One of a fixed list of strings. */
  enum<const E extends readonly [string, ...string[]]>(values: E, o: LeafOptions<E[number]>) {
    return Type.Unsafe<E[number]>({ type: 'string', enum: [...values], ...leafOptions(o) });
  },
  /** A strict object: every property is declared; unknown keys are refused. */
  object<P extends TProperties>(properties: P, o: { readonly description: string } & UiHints) {
    for (const key of Object.keys(properties)) {
      if (RESERVED_KEYS.has(key)) throw new Error(`values key '${key}' is reserved; choose another name`);
    }
    return Type.Object(properties, { description: o.description, additionalProperties: false, ...hints(o) });
  },
  /**
   * A map from user-chosen names to values of one schema (e.g. `users`, `databases`).
   * Keys must match `keyPattern` (default: DNS label), so they can be used in object names.
   */
  map<T extends TSchema>(
    item: T,
    o: LeafOptions<Record<string, Static<T>>> & { readonly keyPattern?: string; readonly maxProperties?: number },
  ) {
    return Type.Unsafe<Record<string, Static<T>>>({
      type: 'object',
      ...leafOptions(o),
      propertyNames: { pattern: o.keyPattern ?? DNS_LABEL_PATTERN },
      additionalProperties: item,
      ...(o.maxProperties !== undefined ? { maxProperties: o.maxProperties } : {}),
      'x-hearth-map': true,
    });
  },
  /** A list of values of one schema. */
  list<T extends TSchema>(item: T, o: LeafOptions<Static<T>[]> & { readonly maxItems?: number; readonly uniqueItems?: boolean }) {
    return Type.Unsafe<Static<T>[]>({
      type: 'array',
      ...leafOptions(o),
      items: item,
      ...(o.maxItems !== undefined ? { maxItems: o.maxItems } : {}),
      ...(o.uniqueItems ? { uniqueItems: true } : {}),
    });
  },
  /** Marks a property of a map item as optional (only map and list items may omit keys). */
  optional<T extends TSchema>(schema: T) {
    return Type.Optional(schema);
  },
};

/** The root of a package's values. */
export type ValuesSchema = TObject;

/** A JSON schema node as plain data (what TypeBox objects serialise to). */
export interface JsonSchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Record<string, JsonSchemaNode>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchemaNode;
  readonly items?: JsonSchemaNode;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly maxProperties?: number;
  readonly propertyNames?: { readonly pattern?: string };
  readonly [keyword: string]: unknown;
}

/** True when the node is a declared map (`v.map`): its keys are the user's. */
export function isMap(node: JsonSchemaNode): boolean {
  return node.type === 'object' && node['x-hearth-map'] === true;
}

/** The schema as plain JSON (symbols dropped, key order kept). */
export function toPlainSchema(schema: TSchema): JsonSchemaNode {
  return JSON.parse(JSON.stringify(schema)) as JsonSchemaNode;
}
