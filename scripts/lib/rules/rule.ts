/**
 * The shape of a `hearth check` rule and what it inspects. A rule has an id (`family.name`), a
 * one-line rationale, how to fix a violation, and a check function over one chart: its files, the
 * package's declared facts and every render hearth made of it (defaults, sampled value sets, a
 * 53-character release name, two releases side by side).
 */
import type { PodView } from '../../../constructs/validation/pod-templates';
import type { ValuesProblem } from '../../../constructs/values/validate';
import type { PackageKind, PodSecurityProfile } from '../../../constructs/package';
import { isPlainObject } from '../../../constructs/util/json';

export type Json = Record<string, unknown>;

/** One violation a rule found. */
export interface Violation {
  /** `Kind/name` of the object, or the chart file (`Chart.yaml`, `values.schema.json`). */
  readonly object?: string;
  /** Dotted field path inside the object or file. */
  readonly path?: string;
  readonly message: string;
  /** A fix more specific than the rule's. */
  readonly fix?: string;
  /** Which render showed it (`defaults`, `sample 3`, `release name of 53 characters`). */
  readonly render?: string;
}

/** What the package declares about itself (from its definition, or Chart.yaml when there is none). */
export interface PackageFacts {
  readonly name: string;
  readonly kind: PackageKind;
  readonly podSecurity: PodSecurityProfile;
  readonly podSecurityJustification?: string;
  /** Namespaces besides the release's that objects may be placed in or refer to (platform packages). */
  readonly allowedNamespaces: readonly string[];
  /** Why the package's own pods need a Kubernetes API token. */
  readonly serviceAccountToken?: string;
}

/** One rendering of the chart for one value set and release. */
export interface RenderSubject {
  /** Human label: `defaults`, `sample 4`, `version=v7`, `release name of 53 characters`. */
  readonly label: string;
  readonly release: string;
  readonly namespace: string;
  /** The user values given (merged onto the chart defaults by the renderer). */
  readonly values: unknown;
  readonly objects: readonly Json[];
  /** Every pod the render will run (built-in workloads and operator-created pods). */
  readonly pods: readonly PodView[];
  /** The manifest text Helm would store (multi-document YAML). */
  readonly manifest: string;
}

/** Results of the real helm runs. */
export interface HelmRun {
  readonly major: 3 | 4;
  readonly command: 'lint' | 'template';
  readonly ok: boolean;
  readonly output: string;
}

/** The bad-values corpus of a package and the validator it must fail. */
export interface CorpusSubject {
  /** The corpus file relative to the project root, e.g. `catalog/redis/bad-values.yaml`. */
  readonly file: string;
  /** Its text; undefined when the file does not exist. */
  readonly text: string | undefined;
  /** hearth's values validation (merge onto defaults + ajv); the problems for a user value set. */
  readonly validate: (user: unknown) => readonly ValuesProblem[];
}

export interface CheckSubject {
  /** The chart folder's name. */
  readonly chartName: string;
  /** Chart files (text), keyed by path relative to the chart folder. */
  readonly files: Readonly<Record<string, string>>;
  /** The files a fresh build writes; undefined without a package definition. */
  readonly expectedFiles?: Readonly<Record<string, string>>;
  readonly pkg: PackageFacts;
  readonly renders: readonly RenderSubject[];
  /** The renders include one per enum value and boolean flip (so an image no render runs is stale). */
  readonly coversEveryOption?: boolean;
  /** Pairs of releases installed side by side in one namespace. */
  readonly pairs: readonly (readonly [RenderSubject, RenderSubject])[];
  readonly helm: readonly HelmRun[];
  readonly corpus?: CorpusSubject;
  /** Validates rendered objects (Kubernetes OpenAPI / upstream CRDs); undefined skips that rule. */
  readonly validateObjects?: (objects: readonly Json[]) => { problems: readonly { object: string; path: string; message: string }[] };
}

export interface Rule {
  /** `family.name`, e.g. `pod-security.run-as-non-root`. */
  readonly id: string;
  /** One line: why the rule exists. */
  readonly rationale: string;
  /** How to fix a violation. */
  readonly fix: string;
  readonly check: (subject: CheckSubject) => Iterable<Violation>;
}

/** A rule checked once per render; violations carry the render's label. */
export function perRender(check: (render: RenderSubject, subject: CheckSubject) => Iterable<Violation>): Rule['check'] {
  return function* (subject) {
    for (const render of subject.renders) for (const v of check(render, subject)) yield { ...v, render: v.render ?? render.label };
  };
}

/** A rule checked once per pod of every render. */
export function perPod(check: (pod: PodView, render: RenderSubject, subject: CheckSubject) => Iterable<Violation>): Rule['check'] {
  return perRender(function* (render, subject) {
    for (const pod of render.pods) for (const v of check(pod, render, subject)) yield { object: pod.object, ...v };
  });
}


export function obj(value: unknown): Json {
  return isPlainObject(value) ? value : {};
}

export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

export function metadataOf(o: Json): Json {
  return obj(o.metadata);
}

export function nameOf(o: Json): string {
  return String(metadataOf(o).name ?? '');
}

/** `Kind/name` of a rendered object. */
export function ref(o: Json): string {
  return `${String(o.kind)}/${nameOf(o)}`;
}

/** A dotted path segment for a map key (`labels["app.kubernetes.io/name"]`). */
export function key(path: string, k: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(k) ? `${path}${path ? '.' : ''}${k}` : `${path}["${k}"]`;
}

export function annotations(o: Json): Record<string, unknown> {
  return obj(metadataOf(o).annotations);
}

/** The labels every object of a hearth chart carries. */
export const STANDARD_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
  'helm.sh/chart',
] as const;

/** A label selector of a rendered object, in `LabelSelector` form. */
export interface SelectorRef {
  readonly object: string;
  readonly path: string;
  readonly selector: Json;
  readonly role: 'workload' | 'service' | 'disruption-budget' | 'network-policy';
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** Cilium writes label sources as key prefixes (`k8s:app`); selection compares the bare key. */
function ciliumSelector(selector: Json): Json {
  const bare = (k: string) => k.replace(/^(k8s|any):/, '');
  return {
    matchLabels: Object.fromEntries(Object.entries(obj(selector.matchLabels)).map(([k, v]) => [bare(k), v])),
    matchExpressions: list(selector.matchExpressions).map((e) => ({ ...e, key: bare(String(e.key)) })),
  };
}

/** Every pod selector an object declares. */
export function selectorsOf(o: Json): SelectorRef[] {
  const kind = String(o.kind);
  const object = ref(o);
  const spec = obj(o.spec);
  if (WORKLOAD_KINDS.has(kind) && isPlainObject(spec.selector)) return [{ object, path: 'spec.selector', selector: spec.selector, role: 'workload' }];
  if (kind === 'Service' && String(o.apiVersion) === 'v1' && isPlainObject(spec.selector)) {
    return [{ object, path: 'spec.selector', selector: { matchLabels: spec.selector }, role: 'service' }];
  }
  if (kind === 'PodDisruptionBudget' && isPlainObject(spec.selector)) return [{ object, path: 'spec.selector', selector: spec.selector, role: 'disruption-budget' }];
  if (kind === 'NetworkPolicy' && isPlainObject(spec.podSelector)) return [{ object, path: 'spec.podSelector', selector: spec.podSelector, role: 'network-policy' }];
  if (kind === 'CiliumNetworkPolicy') {
    const out: SelectorRef[] = [];
    if (isPlainObject(spec.endpointSelector)) out.push({ object, path: 'spec.endpointSelector', selector: ciliumSelector(spec.endpointSelector), role: 'network-policy' });
    for (const [i, s] of list(o.specs).entries()) {
      if (isPlainObject(s.endpointSelector)) out.push({ object, path: `specs[${i}].endpointSelector`, selector: ciliumSelector(s.endpointSelector), role: 'network-policy' });
    }
    return out;
  }
  return [];
}

/** True for a selector with no requirement (selects every pod of the namespace). */
export function isEmptySelector(selector: Json): boolean {
  return Object.keys(obj(selector.matchLabels)).length === 0 && list(selector.matchExpressions).length === 0;
}
