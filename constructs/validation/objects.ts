/**
 * Validation of rendered Kubernetes objects (what `helm template` or the concrete renderer emits)
 * before they reach a cluster. Built-in kinds are checked against the Kubernetes OpenAPI schema
 * compiled into `kubernetes-models`; custom resources against the upstream CRD schemas in the
 * shared CRD folder. Both are strict about unknown fields: the API server prunes (CRDs) or drops
 * (built-ins) fields it does not know, so an unknown field is a setting the chart silently loses.
 */
import { Json, ObjectProblem, ValidateObjectsOptions, ValidationReport, isPlainObject, show } from './problems';
import { builtinModel, validateBuiltin } from './builtin';
import { crdDirectory, crdIndex } from './crd-index';
import { compiled, validateCustom } from './crd-schema';

export { crdDirectory } from './crd-index';
export type { ObjectProblem, ValidationReport, ValidateObjectsOptions } from './problems';

function labelOf(data: Json): string {
  const kind = typeof data.kind === 'string' && data.kind ? data.kind : '(no kind)';
  const meta = isPlainObject(data.metadata) ? data.metadata : {};
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '(no name)';
  return `${kind}/${name}`;
}

/**
 * Validates rendered objects: built-in kinds with kubernetes-models, custom resources with the
 * CRD folder. Every problem names the object and the path; objects no schema covers are listed
 * in `unvalidated` with the reason, never silently passed.
 */
export function validateObjects(objects: readonly Record<string, unknown>[], options: ValidateObjectsOptions = {}): ValidationReport {
  const problems: ObjectProblem[] = [];
  const unvalidated: { object: string; reason: string }[] = [];
  const index = crdIndex(options.crdDir ?? crdDirectory().dir);
  for (const data of objects) {
    const object = isPlainObject(data) ? labelOf(data) : '(not an object)';
    if (!isPlainObject(data)) {
      problems.push({ object, path: '', message: `must be an object (got ${show(data)})` });
      continue;
    }
    const found: ObjectProblem[] = [];
    for (const field of ['apiVersion', 'kind'] as const) {
      if (typeof data[field] !== 'string' || data[field] === '') {
        found.push({ object, path: field, message: data[field] === undefined ? 'is required' : `must be a non-empty string (got ${show(data[field])})` });
      }
    }
    const meta = data.metadata;
    if (!isPlainObject(meta) || meta.name === undefined || meta.name === null || meta.name === '') {
      // Helm installs objects by name; one without a name fails the release.
      found.push({ object, path: 'metadata.name', message: 'is required' });
    }
    if (found.some((p) => p.path === 'apiVersion' || p.path === 'kind')) {
      problems.push(...found);
      continue;
    }
    const apiVersion = data.apiVersion as string;
    const kind = data.kind as string;
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);

    const builtin = builtinModel(group, version, kind);
    if (builtin && 'model' in builtin) {
      found.push(...validateBuiltin(object, data, builtin.model));
    } else if (builtin) {
      unvalidated.push({ object, reason: builtin.reason });
    } else {
      const lookup = index.lookup(group, version, kind);
      if ('reason' in lookup) {
        unvalidated.push({ object, reason: lookup.reason });
      } else {
        const validate = compiled(lookup.entry);
        if (validate instanceof Error) {
          unvalidated.push({ object, reason: `the schema in ${lookup.entry.file} does not compile: ${validate.message}` });
        } else {
          found.push(...validateCustom(object, data, validate));
        }
      }
    }
    const unique = new Map<string, ObjectProblem>();
    for (const problem of found) unique.set(`${problem.path}\u0000${problem.message}`, problem);
    problems.push(...[...unique.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  }
  return { problems, unvalidated };
}
