/**
 * The bad-values corpus format: `catalog/<name>/bad-values.yaml` is a YAML list of cases, each a
 * values file a user could write that the chart must refuse at a given path:
 *
 *   - case: replicas given as a word      # what is wrong, as a sentence
 *     path: replicas                      # where hearth and Helm must reject it (ValuesProblem.path form)
 *     yaml: |                             # the values file as written (read as YAML 1.1, like Helm)
 *       replicas: three
 */
import { parse } from 'yaml';
import { isPlainObject } from '../../constructs/util/json';

export const BAD_VALUES_FILE = 'bad-values.yaml';
/** Every package ships at least this many cases. */
export const MIN_BAD_VALUES_CASES = 20;

export interface BadValuesCase {
  readonly case: string;
  readonly path: string;
  readonly yaml: string;
  /** The values the file holds, parsed as Helm parses values files. */
  readonly values: unknown;
}

export interface ParsedCorpus {
  readonly cases: readonly BadValuesCase[];
  /** Format problems, each naming the case index. */
  readonly problems: readonly string[];
}


/** Parses a corpus; every format problem is reported, not only the first. */
export function parseBadValues(text: string): ParsedCorpus {
  let doc: unknown;
  try {
    doc = parse(text, { version: '1.1', uniqueKeys: true });
  } catch (e) {
    return { cases: [], problems: [`not valid YAML: ${(e as Error).message.split('\n')[0]}`] };
  }
  if (!Array.isArray(doc)) return { cases: [], problems: ['must be a YAML list of cases ({case, path, yaml})'] };
  const cases: BadValuesCase[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, item] of doc.entries()) {
    const where = `case ${i + 1}`;
    if (!isPlainObject(item)) {
      problems.push(`${where}: must be a map with case, path and yaml`);
      continue;
    }
    const extra = Object.keys(item).filter((k) => !['case', 'path', 'yaml'].includes(k));
    if (extra.length) problems.push(`${where}: unknown keys ${extra.join(', ')} (allowed: case, path, yaml)`);
    if (typeof item.case !== 'string' || item.case.trim().length < 5) problems.push(`${where}: 'case' must say in a sentence what is wrong`);
    if (typeof item.path !== 'string') problems.push(`${where}: 'path' must be the dotted path the values are rejected at ('' for the root)`);
    if (typeof item.yaml !== 'string') problems.push(`${where}: 'yaml' must be the values file text (use a | block)`);
    if (typeof item.case !== 'string' || typeof item.path !== 'string' || typeof item.yaml !== 'string') continue;
    if (seen.has(item.yaml)) problems.push(`${where} (${item.case}): repeats the yaml of an earlier case`);
    seen.add(item.yaml);
    let values: unknown;
    try {
      values = parse(item.yaml, { version: '1.1', uniqueKeys: true }) ?? {};
    } catch (e) {
      problems.push(`${where} (${item.case}): yaml is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (!isPlainObject(values)) {
      problems.push(`${where} (${item.case}): yaml must hold a map of values`);
      continue;
    }
    cases.push({ case: item.case, path: item.path, yaml: item.yaml, values });
  }
  return { cases, problems };
}

/** Segments of a ValuesProblem path: `users.app.password` → users, app, password; `disks[0].name` → disks, 0, name. */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[1] ?? m[2]!);
  return out;
}

/**
 * Does Helm's schema error output name the path? Helm 3 (gojsonschema) prints dotted paths
 * (`- users.app: ...`, `(root)` for the top), Helm 4 prints JSON pointers (`at '/users/app'`).
 * Additional-property and required errors are reported at the parent, naming the key.
 */
export function helmNamesPath(stderr: string, path: string, major: 3 | 4): boolean {
  const segments = pathSegments(path);
  const lines = stderr.split('\n');
  const dotted = (s: readonly string[]) => (s.length ? s.join('.') : '(root)');
  const pointer = (s: readonly string[]) => `/${s.map((x) => x.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`.replace(/^\/$/, '');
  const at = (s: readonly string[]) => (major === 3 ? (l: string) => l.trimStart().startsWith(`- ${dotted(s)}:`) : (l: string) => l.includes(`at '${pointer(s)}'`));
  if (lines.some(at(segments))) return true;
  if (segments.length === 0) return false;
  const parent = at(segments.slice(0, -1));
  const last = segments[segments.length - 1]!;
  const quoted = new RegExp(`(^|[\\s'"])${last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s'",:])`);
  return lines.some((l) => parent(l) && quoted.test(l.slice(l.indexOf(':') + 1)));
}
