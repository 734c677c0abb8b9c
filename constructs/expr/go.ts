/**
 * Expression → Go-template operand. Every value access goes through `$` (the root context) so the
 * same text works inside `range`, where `.` is rebound.
 */
import { FUNCTIONS } from './functions';
import type { Json, Node } from './node';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A JSON literal as a Go-template literal (strings use Go's escape rules, which JSON's satisfy). */
export function goLiteral(value: Json): string {
  if (value === null) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    const text = String(value);
    return /[.eE]/.test(text) ? text : `${text}.0`;
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length ? `(list ${value.map(goLiteral).join(' ')})` : '(list)';
  const entries = Object.entries(value);
  return entries.length ? `(dict ${entries.map(([k, v]) => `${JSON.stringify(k)} ${goLiteral(v)}`).join(' ')})` : '(dict)';
}

/** Names the chart's helpers are defined under (`<chart>.<helper>`). */
export interface GoNaming {
  readonly helperPrefix: string;
}

export function goOf(node: Node, naming: GoNaming): string {
  switch (node.op) {
    case 'lit':
      return goLiteral(node.value);
    case 'values':
      return node.path.every((p) => IDENTIFIER.test(p))
        ? ['$.Values', ...node.path].join('.')
        : `(index $.Values ${node.path.map((p) => JSON.stringify(p)).join(' ')})`;
    case 'var':
      return `$${node.name}`;
    case 'field': {
      const of = goOf(node.of, naming);
      const key = JSON.stringify(node.key);
      const get = `(index ${of} ${key})`;
      return node.fallback === undefined ? get : `(ternary ${get} ${goLiteral(node.fallback)} (hasKey ${of} ${key}))`;
    }
    case 'release':
      return `$.Release.${node.field}`;
    case 'chart':
      return `$.Chart.${node.field}`;
    case 'concat':
      return `(print ${node.parts.map((p) => goOf(p, naming)).join(' ')})`;
    case 'include': {
      const name = JSON.stringify(`${naming.helperPrefix}.${node.helper}`);
      if (node.args.length === 0) return `(include ${name} $)`;
      return `(include ${name} (list $ ${node.args.map((a) => goOf(a, naming)).join(' ')}))`;
    }
    case 'call': {
      const spec = FUNCTIONS[node.fn];
      const args = node.args.map((arg, i) => {
        const text = goOf(arg, naming);
        const wantsInt = spec.args[i] === 'int';
        if (!wantsInt || (arg.op === 'lit' && typeof arg.value === 'number')) return text;
        if (arg.op === 'call' && FUNCTIONS[arg.fn].type === 'int') return text;
        return `(int64 ${text})`;
      });
      if (node.fn === 'float64' && node.args[0].op === 'lit' && typeof node.args[0].value === 'number') {
        return goLiteral(node.args[0].value).includes('.') ? goLiteral(node.args[0].value) : `${node.args[0].value}.0`;
      }
      return spec.go(args);
    }
  }
}
