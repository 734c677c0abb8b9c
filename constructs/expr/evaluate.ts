/**
 * Expression → value, with Go/sprig semantics. This is the concrete mode (`hearth render`); the
 * equivalence property test checks it against `helm template` of the emitted chart.
 */
import { FUNCTIONS, RenderFailure } from './functions';
import type { Node } from './node';

export interface ReleaseInfo {
  readonly Name: string;
  readonly Namespace: string;
  readonly Service: string;
}

export interface ChartInfo {
  readonly Name: string;
  readonly Version: string;
  readonly AppVersion: string;
}

export interface EvalEnv {
  readonly values: unknown;
  readonly release: ReleaseInfo;
  readonly chart: ChartInfo;
  readonly vars: Readonly<Record<string, unknown>>;
  /** Concrete forms of the named helpers. */
  readonly helpers: Readonly<Record<string, (env: EvalEnv, args: readonly unknown[]) => unknown>>;
}

function keyOf(container: unknown, key: string): unknown {
  if (container && typeof container === 'object' && Object.prototype.hasOwnProperty.call(container, key)) {
    return (container as Record<string, unknown>)[key];
  }
  return undefined;
}

export function evaluate(node: Node, env: EvalEnv): unknown {
  switch (node.op) {
    case 'lit':
      return node.value;
    case 'values':
      return node.path.reduce<unknown>((acc, key) => keyOf(acc, key), env.values) ?? null;
    case 'var':
      return env.vars[node.name] ?? null;
    case 'field': {
      const of = evaluate(node.of, env);
      const present = of !== null && typeof of === 'object' && Object.prototype.hasOwnProperty.call(of, node.key);
      if (!present) return node.fallback ?? null;
      return keyOf(of, node.key) ?? null;
    }
    case 'release':
      return env.release[node.field];
    case 'chart':
      return env.chart[node.field];
    case 'concat':
      return node.parts.map((p) => String(evaluate(p, env))).join('');
    case 'include': {
      const helper = env.helpers[node.helper];
      if (!helper) throw new RenderFailure(`no helper named ${node.helper}`);
      return helper(env, node.args.map((a) => evaluate(a, env)));
    }
    case 'call':
      return FUNCTIONS[node.fn].eval(node.args.map((a) => evaluate(a, env)));
  }
}
