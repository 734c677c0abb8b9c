/**
 * Checks between values that a JSON schema cannot express (one value bounded by another, a name
 * that must be a key of another map): the render fails with a message naming the values, on
 * `helm template`/`install` and in hearth's concrete render alike, instead of producing an object
 * the operator would refuse or never reconcile.
 */
import { callExpr, ex, type Expr, type Operand } from '../expr/expr';

/** `value` when `ok` holds; otherwise the render fails with `message` (text or a string expression). */
export function failUnless<T>(value: Expr<T>, ok: Expr<boolean>, message: Operand<string>): Expr<T> {
  return callExpr<T>('required', message, ex.ternary<unknown>(ok, value, ''));
}
