/**
 * Concrete mode: given values, the plain manifests the chart would produce (`hearth render`).
 * Values are merged and validated exactly as Helm does before anything is evaluated.
 */
import { evaluate, type EvalEnv } from '../expr/evaluate';
import { nodeOf } from '../expr/expr';
import { truthy } from '../expr/functions';
import { coalesceValues, ValuesError } from '../values/validate';
import type { CompiledPackage, CompiledResource } from './compile';
import { HELPER_EVALUATORS } from './helpers';
import { evalTree, loopBindings, withVars } from './tree';

export interface ReleaseOptions {
  /** @default 'release' */
  readonly name?: string;
  /** @default 'default' */
  readonly namespace?: string;
}

/** Merges user values onto the chart defaults and validates them; throws ValuesError. */
export function mergeValues(compiled: CompiledPackage, user: unknown, source = 'values'): Record<string, unknown> {
  const merged = coalesceValues(compiled.defaults, user ?? {}) as Record<string, unknown>;
  // Helm injects `global` into every chart's values before validating.
  if (merged && typeof merged === 'object' && !('global' in merged)) merged.global = {};
  const problems = compiled.validator.problems(merged);
  if (problems.length) throw new ValuesError(problems, source);
  return merged;
}

function expand(resource: CompiledResource, env: EvalEnv, depth: number, out: unknown[]): void {
  if (depth === resource.controls.length) {
    out.push(evalTree(resource.tree, env));
    return;
  }
  const control = resource.controls[depth];
  if (control.kind === 'if') {
    if (truthy(evaluate(nodeOf(control.cond), env))) expand(resource, env, depth + 1, out);
    return;
  }
  for (const vars of loopBindings(evaluate(nodeOf(control.over), env), control.keyVar, control.itemVar)) {
    expand(resource, withVars(env, vars), depth + 1, out);
  }
}

/** Renders the package's objects for a value set (objects in template-file order). */
export function renderConcrete(compiled: CompiledPackage, user: unknown, release: ReleaseOptions = {}): Record<string, unknown>[] {
  const values = mergeValues(compiled, user);
  const env: EvalEnv = {
    values,
    release: { Name: release.name ?? 'release', Namespace: release.namespace ?? 'default', Service: 'Helm' },
    chart: { Name: compiled.pkg.name, Version: compiled.pkg.version, AppVersion: compiled.pkg.appVersion },
    vars: {},
    helpers: HELPER_EVALUATORS,
  };
  const out: unknown[] = [];
  for (const resource of compiled.resources) expand(resource, env, 0, out);
  return out as Record<string, unknown>[];
}
