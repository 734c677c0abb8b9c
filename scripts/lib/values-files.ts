/** Reading user values the way `helm -f` and `--set` do. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { setOwn } from '../../constructs/values/validate';
import { applySet } from './set-values';
import { isPlainObject } from '../../constructs/util/json';


/** Later files win; maps merge deeply (like Helm's merging of several -f files). */
export function mergeUserValues(base: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(next)) {
    const existing = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn(out, k, isPlainObject(v) && isPlainObject(existing) ? mergeUserValues(existing, v) : v);
  }
  return out;
}

export class ValuesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValuesFileError';
  }
}

/** Parses a values file as Helm does (YAML 1.1 scalars: `yes` and `0755` are what Helm sees too). */
export function readValuesFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ValuesFileError(`${file}: cannot read the values file`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text, { version: '1.1', uniqueKeys: true }) ?? {};
  } catch (e) {
    throw new ValuesFileError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isPlainObject(parsed)) throw new ValuesFileError(`${file}: must hold a map of values at the top level`);
  return parsed;
}

export function userValues(files: readonly string[], sets: readonly string[]): Record<string, unknown> {
  const merged = files.map(readValuesFile).reduce(mergeUserValues, {});
  return applySet(merged, sets);
}
