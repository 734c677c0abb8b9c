/** Names: release-scoped, DNS-safe at Helm's longest release name, and in the release namespace. */
import { isClusterScoped } from '../../../constructs/compiler/compile';
import { selectorMatch } from '../../../constructs/validation/pod-templates';
import { metadataOf, nameOf, perRender, ref, selectorsOf, isEmptySelector, type Json, type Rule, type Violation } from './rule';
import { isPlainObject } from '../../../constructs/util/json';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME = 63;
/** StatefulSet pods carry `controller-revision-hash: <name>-<10 characters>`, a label value of at most 63. */
const MAX_STATEFULSET_NAME = 52;

/** Fields naming a namespace somewhere inside an object's spec. */
const NAMESPACE_FIELDS = new Set(['namespace', 'targetNamespace', 'storageNamespace', 'releaseNamespace']);

function* namespaceRefs(value: unknown, path: string): Generator<{ path: string; value: string }> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* namespaceRefs(v, `${path}[${i}]`);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (NAMESPACE_FIELDS.has(k) && typeof v === 'string') yield { path: at, value: v };
    else yield* namespaceRefs(v, at);
  }
}

function identity(o: Json): string {
  const m = metadataOf(o);
  return `${String(o.apiVersion).split('/')[0]}|${String(o.kind)}|${isClusterScoped(String(o.kind)) ? '' : String(m.namespace ?? '')}|${nameOf(o)}`;
}

export const NAMES_RULES: readonly Rule[] = [
  {
    id: 'names.dns-label',
    rationale: 'Names longer than 63 characters or outside DNS-1123 are refused by the API server or break the operator\'s derived names; Helm allows 53-character releases.',
    fix: 'Derive every name with ctx.name(...) (it fits names to 63 characters) and keep names the operator derives from a resource short enough (shorter suffixes, or a shorter resource name).',
    check: perRender(function* (render) {
      for (const o of render.objects) {
        const name = nameOf(o);
        const kind = String(o.kind);
        if (!DNS_1123_LABEL.test(name) || name.length > MAX_NAME) {
          yield { object: ref(o), path: 'metadata.name', message: `'${name}' (${name.length} characters) is not a DNS-1123 label of at most ${MAX_NAME} characters (release ${JSON.stringify(render.release)})` };
        } else if (kind === 'StatefulSet' && name.length > MAX_STATEFULSET_NAME) {
          yield { object: ref(o), path: 'metadata.name', message: `StatefulSet name has ${name.length} characters; its pods' controller-revision-hash label needs it to have at most ${MAX_STATEFULSET_NAME}` };
        }
      }
      for (const pod of render.pods) {
        for (const derived of pod.derivedNames) {
          if (derived.name.length > derived.maxLength || !DNS_1123_LABEL.test(derived.name)) {
            yield {
              object: pod.object,
              path: 'metadata.name',
              message: `the ${derived.kind} '${derived.name}' derived from it has ${derived.name.length} characters, more than ${derived.maxLength}: ${derived.why}`,
            };
          }
        }
      }
    }),
  },
  {
    id: 'names.release-collision',
    rationale: 'Two releases of a chart in one namespace must not overwrite each other\'s objects or select each other\'s pods.',
    fix: 'Derive names from the release (ctx.name) and select pods by app.kubernetes.io/name + instance (or labels the operator derives from a release-scoped name).',
    *check(subject) {
      for (const [a, b] of subject.pairs) {
        const render = `releases ${a.release} and ${b.release} in namespace ${a.namespace}`;
        const seen = new Map(a.objects.map((o) => [identity(o), o]));
        for (const o of b.objects) {
          if (seen.has(identity(o))) yield { object: ref(o), path: 'metadata.name', message: `both releases render ${ref(o)}`, render };
        }
        const derivedA = new Set(a.pods.flatMap((p) => p.derivedNames.map((d) => `${d.kind}/${d.name}`)));
        for (const pod of b.pods) {
          for (const d of pod.derivedNames) if (derivedA.has(`${d.kind}/${d.name}`)) yield { object: pod.object, message: `both releases make the operator create ${d.kind}/${d.name}`, render };
        }
        for (const [x, y] of [[a, b], [b, a]] as const) {
          for (const o of x.objects) {
            for (const s of selectorsOf(o)) {
              if (isEmptySelector(s.selector)) continue;
              for (const pod of y.pods) {
                if (selectorMatch(s.selector, pod) !== 'none') {
                  yield { object: s.object, path: s.path, message: `release ${x.release} selects ${pod.description} of release ${y.release} (${pod.object})`, render };
                }
              }
            }
          }
        }
      }
    },
  },
  {
    id: 'names.namespace',
    rationale: 'A chart installs into the namespace it is given; hard-coded namespaces escape the tenant\'s namespace and its quotas and policies.',
    fix: 'Remove metadata.namespace and namespace references (the compiler puts objects in the release namespace); platform packages list the namespaces they must reach in allowedNamespaces.',
    check: perRender(function* (render, subject) {
      const allowed = new Set([render.namespace, ...subject.pkg.allowedNamespaces]);
      for (const o of render.objects) {
        const ns = metadataOf(o).namespace;
        if (!isClusterScoped(String(o.kind)) && ns !== undefined && !allowed.has(String(ns))) {
          yield { object: ref(o), path: 'metadata.namespace', message: `is ${JSON.stringify(ns)}, not the release namespace ${JSON.stringify(render.namespace)}` };
        }
        const { metadata: _metadata, ...body } = o;
        for (const r of namespaceRefs(body, '')) {
          if (r.value !== '' && !allowed.has(r.value)) yield { object: ref(o), path: r.path, message: `names the namespace ${JSON.stringify(r.value)}, not the release namespace` } satisfies Violation;
        }
      }
    }),
  },
];
