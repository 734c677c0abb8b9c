/**
 * The expression IR. A package's `build` never sees concrete values: it sees expressions, which the
 * compiler turns either into Go-template text (the chart) or into values (a concrete render).
 */

/** The static type of an expression; it decides how the value is written into YAML. */
export type ExprType = 'string' | 'int' | 'number' | 'boolean' | 'object' | 'array' | 'any';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type Node =
  /** A constant. */
  | { readonly op: 'lit'; readonly value: Json }
  /** A value path from the root of the chart values (`$.Values.a.b`); always present (defaults). */
  | { readonly op: 'values'; readonly path: readonly string[] }
  /** A loop variable bound by `each` (`$k1`, `$v1`). */
  | { readonly op: 'var'; readonly name: string }
  /** A key of an object reached through a loop variable; `fallback` applies when the key is absent. */
  | { readonly op: 'field'; readonly of: Node; readonly key: string; readonly fallback?: Json }
  /** A field of the Helm release object. */
  | { readonly op: 'release'; readonly field: 'Name' | 'Namespace' | 'Service' }
  /** A field of Chart.yaml. */
  | { readonly op: 'chart'; readonly field: 'Name' | 'Version' | 'AppVersion' }
  /** A function from the function table (see functions.ts). */
  | { readonly op: 'call'; readonly fn: string; readonly args: readonly Node[] }
  /** String concatenation; every part is already a string. */
  | { readonly op: 'concat'; readonly parts: readonly Node[] }
  /** A named helper from the helper table, called with the root context and arguments. */
  | { readonly op: 'include'; readonly helper: string; readonly args: readonly Node[] };
