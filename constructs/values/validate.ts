/**
 * Values validation as Helm does it: merge user values onto the chart defaults (a `null` deletes a
 * key), then validate the merged tree against values.schema.json. Errors name the path and what is
 * allowed, all at once.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isPlainObject } from '../util/json';

/** Keywords hearth adds to schemas for the catalog UI; registered so ajv's strict mode stays on. */
export const HEARTH_KEYWORDS = [
  'x-hearth-options-from',
  'x-hearth-immutable',
  'x-hearth-secret',
  'x-hearth-advanced',
  'x-hearth-format',
  'x-hearth-map',
  'x-hearth-order',
] as const;

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  for (const keyword of HEARTH_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['string', 'boolean', 'array', 'object'] });
  return ajv;
}

/** One problem with a set of values. `path` is dotted (`users.app.password`, `disks[0].name`). */
export interface ValuesProblem {
  readonly path: string;
  readonly message: string;
}

export class ValuesError extends Error {
  constructor(readonly problems: readonly ValuesProblem[], readonly source = 'values') {
    super(`${source} rejected: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`);
    this.name = 'ValuesError';
  }
}


/**
 * Sets an own property, whatever the key: `out['__proto__'] = v` would replace the prototype
 * instead, hiding the key from validation while Helm (which has no prototypes) rejects it.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Helm's coalescing of user values onto chart defaults: maps merge deeply, anything else replaces,
 * and a user `null` removes the key.
 */
export function coalesceValues(defaults: unknown, user: unknown): unknown {
  if (!isPlainObject(defaults) || !isPlainObject(user)) return user === undefined ? structuredClone(defaults) : user;
  const out: Record<string, unknown> = structuredClone(defaults);
  for (const [key, value] of Object.entries(user)) {
    const existing = Object.hasOwn(out, key) ? out[key] : undefined;
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(existing)) setOwn(out, key, coalesceValues(existing, value));
    else setOwn(out, key, value);
  }
  return out;
}

/** The dotted path of an ajv error, with the offending key for additional/required properties. */
function pathOf(error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  let path = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path ? `.${segment}` : segment;
  }
  return path;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text !== undefined && text.length > 60 ? `${text.slice(0, 57)}...` : String(text);
}

function messageOf(error: ErrorObject, schemaAt: (e: ErrorObject) => Record<string, unknown> | undefined, data: unknown): string {
  const got = show(data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const parent = schemaAt(error);
      const allowed = parent && isPlainObject(parent.properties) ? Object.keys(parent.properties) : [];
      return `unknown key; allowed keys here: ${allowed.join(', ') || '(none)'}`;
    }
    case 'type': {
      // `yes`, `no`, `on` and `off` are booleans to Helm's YAML 1.1 reader: say so, it is never obvious.
      const hint = typeof data === 'boolean' ? '; YAML reads yes/no/on/off/true/false as booleans, quote the value' : '';
      return `must be ${error.params.type} (got ${got}${hint})`;
    }
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')} (got ${got})`;
    case 'pattern': {
      const format = schemaAt(error)?.['x-hearth-format'];
      if (format === 'quantity') return `must be a Kubernetes quantity such as 10Gi or 500m (got ${got})`;
      return `must match ${error.params.pattern} (got ${got})`;
    }
    case 'minimum':
    case 'maximum':
      return `must be ${error.params.comparison} ${error.params.limit} (got ${got})`;
    case 'required':
      return `is required (a null value removes it)`;
    case 'propertyNames':
      return `has a key that is not allowed: ${error.message ?? ''}`;
    case 'not': {
      // A key whose schema is `not: {}` is refused outright; its description says why.
      const refused = schemaAt(error)?.description;
      return typeof refused === 'string' ? `${refused} (got ${got})` : `value not allowed here (got ${got})`;
    }
    default:
      return `${error.message ?? 'is invalid'} (got ${got})`;
  }
}

/** A compiled validator for one values schema. */
export class ValuesValidator {
  private readonly validateFn: ValidateFunction;

  constructor(private readonly schema: Record<string, unknown>) {
    this.validateFn = createAjv().compile(schema);
  }

  /** Problems with an already merged value tree (empty when valid). */
  problems(merged: unknown): ValuesProblem[] {
    if (this.validateFn(merged)) return [];
    const errors = (this.validateFn.errors ?? []).filter((e) => e.keyword !== 'if');
    const problems = new Map<string, ValuesProblem>();
    for (const error of errors) {
      // propertyNames errors report the offending key through a nested error; keep the key path.
      const path = error.keyword === 'propertyNames' && error.params.propertyName
        ? `${pathOf(error)}${pathOf(error) ? '.' : ''}${String(error.params.propertyName)}`
        : pathOf(error);
      const problem = { path, message: messageOf(error, (e) => this.schemaAt(e), this.dataAt(merged, error.instancePath)) };
      problems.set(`${problem.path}\u0000${problem.message}`, problem);
    }
    return [...problems.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private schemaAt(error: ErrorObject): Record<string, unknown> | undefined {
    // error.schemaPath is "#/properties/a/properties/b/pattern": walk it without the keyword.
    const parts = error.schemaPath.split('/').slice(1, -1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: unknown = this.schema;
    for (const part of parts) node = isPlainObject(node) ? node[part] : undefined;
    return isPlainObject(node) ? node : undefined;
  }

  private dataAt(data: unknown, pointer: string): unknown {
    let node = data;
    for (const part of pointer.split('/').slice(1)) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      node = isPlainObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
    }
    return node;
  }
}
