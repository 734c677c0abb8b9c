/**
 * Paths and messages shared by the built-in and custom-resource validators: one problem names the
 * object, the dotted field path and what is allowed.
 */
import { join } from 'node:path';
import { type ErrorObject } from 'ajv';
import { crdDirectory } from './crd-index';
import { LIST_MAP_KEYS } from './crd-schema';
import { isPlainObject } from '../util/json';

export { isPlainObject };

/** One problem with one object. `path` is dotted (`spec.template.spec.containers[0].image`), '' for the root. */
export interface ObjectProblem {
  /** `Kind/name` of the object. */
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

export interface ValidationReport {
  readonly problems: ObjectProblem[];
  /** Objects that could not be validated, with the reason (e.g. no CRD for group/version/kind, CRD folder missing). */
  readonly unvalidated: { readonly object: string; readonly reason: string }[];
}

export interface ValidateObjectsOptions {
  /** Folder of upstream CRDs (`<api-group>/<plural>.yaml`); defaults to {@link crdDirectory}. */
  readonly crdDir?: string;
}

export type Json = Record<string, unknown>;


/** Dotted path; keys that are not identifiers (`helm.sh/hook`) are quoted so the path stays unambiguous. */
export function renderPath(segments: readonly string[]): string {
  let path = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text !== undefined && text.length > 60 ? `${text.slice(0, 57)}...` : String(text);
}

export function dataAt(data: unknown, segments: readonly string[]): unknown {
  let node = data;
  for (const key of segments) node = isPlainObject(node) || Array.isArray(node) ? (node as Json)[key] : undefined;
  return node;
}

/** Edit distance, to suggest the field that was probably meant. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** "unknown field", with the likely intended field and, when short, the list of allowed ones. */
export function unknownField(key: string, allowed: readonly string[]): string {
  if (allowed.length === 0) {
    return 'unknown field; this object takes no fields (its schema declares none, so the API server would prune it)';
  }
  const best = allowed
    .map((name) => ({ name, d: name.toLowerCase() === key.toLowerCase() ? 0 : distance(name, key) }))
    .sort((a, b) => a.d - b.d)[0]!;
  const hint = best.d <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean ${best.name}?` : '';
  const list = allowed.length <= 15 ? `; allowed here: ${[...allowed].sort().join(', ')}` : '';
  return `unknown field${hint}${list}`;
}

export const FORMAT_WORDS: Record<string, string> = {
  quantity: 'a quantity such as 500m or 1Gi',
  byte: 'base64 text',
  'date-time': 'an RFC 3339 date-time',
};

export function formatWord(format: string): string {
  return FORMAT_WORDS[format] ?? `a string in format ${format}`;
}

/** Message for one ajv error (both engines produce ajv errors). */
export function messageOf(error: ErrorObject, data: unknown): string {
  const got = show(data);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const types = Array.isArray(p.type) ? p.type : String(p.type).split(',');
      return `must be ${types.join(' or ')} (got ${got})`;
    }
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : show(v))).join(', ')} (got ${got})`;
    case 'const':
      return `must be ${show(p.allowedValue)} (got ${got})`;
    case 'required':
      return 'is required';
    case 'pattern':
      return `must match ${String(p.pattern)} (got ${got})`;
    case 'format':
      return `must be ${formatWord(String(p.format))} (got ${got})`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)} (got ${got})`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)} (got ${got})`;
    case 'minLength':
      return `must have at least ${String(p.limit)} characters (got ${got})`;
    case 'maxLength':
      return `must have at most ${String(p.limit)} characters (got ${got})`;
    case 'minItems':
      return `must have at least ${String(p.limit)} items (got ${Array.isArray(data) ? data.length : got})`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items (got ${Array.isArray(data) ? data.length : got})`;
    case 'minProperties':
      return `must set at least ${String(p.limit)} field${p.limit === 1 ? '' : 's'}`;
    case 'maxProperties':
      return `must set at most ${String(p.limit)} field${p.limit === 1 ? '' : 's'}`;
    case 'uniqueItems':
      return `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`;
    case 'not':
      return `value not allowed here (got ${got})`;
    default:
      return `${error.message ?? 'is invalid'} (got ${got})`;
  }
}

/**
 * Turns ajv errors into problems. An `anyOf`/`oneOf` that failed is reported once, with the
 * alternatives (`must be string or integer`), instead of one line per failed branch.
 */
export function problemsFromErrors(
  object: string,
  data: unknown,
  errors: readonly ErrorObject[],
  engine: {
    /** Whether `error` comes from a branch of the failed `anyOf`/`oneOf` `alt`. */
    readonly inBranch: (alt: ErrorObject, error: ErrorObject) => boolean;
    /** Fields the object holding an `additionalProperties` error declares. */
    readonly allowed: (error: ErrorObject) => readonly string[];
  },
): ObjectProblem[] {
  const problems: ObjectProblem[] = [];
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const consumed = new Set<ErrorObject>();
  for (const alt of alternatives) {
    const branch = errors.filter((e) => e !== alt && e.instancePath === alt.instancePath && engine.inBranch(alt, e));
    for (const e of branch) consumed.add(e);
    const segments = pointerSegments(alt.instancePath);
    const value = dataAt(data, segments);
    const got = show(value);
    let message: string;
    if (branch.length > 0 && branch.every((e) => e.keyword === 'type' || e.keyword === 'format')) {
      const types = [...new Set(branch.filter((e) => e.keyword === 'type').flatMap((e) => String(e.params.type).split(',')))];
      const formats = [...new Set(branch.filter((e) => e.keyword === 'format').map((e) => String(e.params.format)))]
        // int32/int64/double only narrow a numeric type that is already listed.
        .filter((f) => !['int32', 'int64', 'float', 'double'].includes(f));
      const words = [...formats.map(formatWord), ...types.filter((t) => !(formats.length && t === 'string'))];
      message = `must be ${words.join(formats.length ? ', or ' : ' or ')} (got ${got})`;
    } else if (branch.length > 0 && branch.every((e) => e.keyword === 'required')) {
      const fields = [...new Set(branch.map((e) => String(e.params.missingProperty)))];
      message = `must set ${alt.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of ${fields.join(', ')}`;
    } else if (alt.keyword === 'oneOf' && Array.isArray(alt.params.passingSchemas)) {
      message = `matches more than one of the allowed alternatives (${(alt.params.passingSchemas as number[]).length} match); it must match exactly one`;
    } else {
      const details = [...new Set(branch.map((e) => messageOf(e, dataAt(data, pointerSegments(e.instancePath)))))];
      message = `matches none of the allowed alternatives${details.length ? ` (${details.join('; ')})` : ''} (got ${got})`;
    }
    problems.push({ object, path: renderPath(segments), message });
  }
  for (const error of errors) {
    if (consumed.has(error) || error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const segments = pointerSegments(error.instancePath);
    const value = dataAt(data, segments);
    if (error.keyword === 'additionalProperties') {
      const key = String(error.params.additionalProperty);
      problems.push({ object, path: renderPath([...segments, key]), message: unknownField(key, engine.allowed(error)) });
    } else if (error.keyword === 'required') {
      problems.push({ object, path: renderPath([...segments, String(error.params.missingProperty)]), message: 'is required' });
    } else if (error.keyword === LIST_MAP_KEYS) {
      problems.push({ object, path: renderPath([...segments, String(error.params.index)]), message: String(error.message) });
    } else {
      problems.push({ object, path: renderPath(segments), message: messageOf(error, value) });
    }
  }
  return problems;
}
