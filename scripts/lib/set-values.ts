/**
 * `--set a.b=c` the way Helm reads it (strvals): dotted paths, `[i]` list indexes, `{x,y}` lists,
 * commas between assignments, `\` escapes; `true`/`false`/`null` and decimal integers without a
 * leading zero are typed, everything else is a string (so `0755` stays "0755", as in Helm).
 */
import { setOwn } from '../../constructs/values/validate';

export class SetSyntaxError extends Error {
  constructor(expression: string, why: string) {
    super(`--set ${JSON.stringify(expression)}: ${why}`);
    this.name = 'SetSyntaxError';
  }
}

function typed(raw: string): unknown {
  if (raw.toLowerCase() === 'true') return true;
  if (raw.toLowerCase() === 'false') return false;
  if (raw === 'null') return null;
  if (raw === '0') return 0;
  if (/^-?[1-9][0-9]*$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  return raw;
}

/** Splits on `sep` outside braces, honouring backslash escapes (kept for the next stage). */
function split(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === sep && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

function parseValue(raw: string): unknown {
  if (raw.startsWith('{') && raw.endsWith('}')) {
    const inner = raw.slice(1, -1);
    return inner === '' ? [] : split(inner, ',').map((item) => typed(unescape(item)));
  }
  return typed(unescape(raw));
}

type Tree = Record<string, unknown>;

function assign(tree: Tree, path: string, value: unknown, expression: string): void {
  const keys = split(path, '.');
  let node: Tree | unknown[] = tree;
  keys.forEach((rawKey, depth) => {
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(rawKey)!;
    const key = unescape(m[1]);
    if (!key) throw new SetSyntaxError(expression, 'empty key');
    const indexes = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    const last = depth === keys.length - 1;
    const steps: (string | number)[] = [key, ...indexes];
    steps.forEach((step, i) => {
      const final = last && i === steps.length - 1;
      // Own properties only: `--set __proto__.x=1` must reach validation as a key, as it does in Helm.
      const container = node as Record<string, unknown>;
      const key = String(step);
      if (final) {
        setOwn(container, key, value);
        return;
      }
      const nextIsIndex = typeof steps[i + 1] === 'number';
      const existing = Object.hasOwn(container, key) ? container[key] : undefined;
      if (typeof existing !== 'object' || existing === null) setOwn(container, key, nextIsIndex ? [] : {});
      node = container[key] as Tree | unknown[];
    });
  });
}

/** Applies `--set` expressions onto a values tree (mutates and returns it). */
export function applySet(tree: Tree, expressions: readonly string[]): Tree {
  for (const expression of expressions) {
    for (const assignment of split(expression, ',')) {
      const eq = split(assignment, '=');
      if (eq.length < 2) throw new SetSyntaxError(expression, 'expected key=value');
      assign(tree, eq[0], parseValue(eq.slice(1).join('=')), expression);
    }
  }
  return tree;
}
