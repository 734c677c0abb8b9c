/**
 * Release-scoped names shorter than the usual 63 characters. Operators derive further names from
 * the name of their custom resource (`<name>-server` StatefulSets, `rfr-<name>`, `<name>-rw`), and
 * a StatefulSet's pods carry a `controller-revision-hash` label of `<statefulset>-<hash>` that must
 * stay within 63 characters: such resources need names with room to spare.
 */
import type { BuildContext } from '../compiler/context';
import { ex, toExpr, type Operand } from '../expr/expr';

/** Length of the hash that keeps shortened names distinct (as `ctx.name` does at 63). */
const HASH_LENGTH = 8;

/**
 * `ctx.name(...suffixes)` when it has at most `maxLength` characters; otherwise its first
 * `maxLength - 9` characters (without a trailing '-'), '-' and 8 hex digits of its sha256.
 * Names that fit are unchanged, so existing releases keep their objects.
 */
export function boundedName(ctx: BuildContext, maxLength: number, ...suffixes: Operand<string>[]): string {
  if (maxLength < HASH_LENGTH + 2 || maxLength > 63) throw new Error(`boundedName: maxLength must be 10..63 (got ${maxLength})`);
  const full = toExpr(ctx.name(...suffixes)) as ReturnType<typeof ex.lit<string>>;
  const head = ex.trimSuffix(ex.trunc(full, maxLength - HASH_LENGTH - 1), '-');
  const short = ex.concat(head, '-', ex.trunc(ex.sha256(full), HASH_LENGTH));
  return ex.str(ex.ternary(ex.gt(ex.len(full), maxLength), short, full));
}
