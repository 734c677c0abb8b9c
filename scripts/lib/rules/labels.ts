/** Labels and selectors: every object says what it belongs to; selectors stay inside the release. */
import { selectorMatch, type PodView } from '../../../constructs/validation/pod-templates';
import { isEmptySelector, key, list, metadataOf, obj, perRender, ref, selectorsOf, STANDARD_LABELS, type Json, type RenderSubject, type Rule } from './rule';

const NAME = 'app.kubernetes.io/name';
const INSTANCE = 'app.kubernetes.io/instance';
/** The one label a selector may add to name + instance: it tells two workloads of one release apart. */
const COMPONENT = 'app.kubernetes.io/component';

function selectorKeys(selector: Json): string[] {
  return [...Object.keys(obj(selector.matchLabels)), ...list(selector.matchExpressions).map((e) => String(e.key))];
}

/** The operator-created pods a selector picks with labels that operator sets, if any. */
function operatorPodsSelected(selector: Json, render: RenderSubject): PodView | undefined {
  return render.pods.find((pod) => pod.operator !== undefined && selectorMatch(selector, pod) !== 'none'
    && selectorKeys(selector).every((k) => k in pod.labels || pod.dynamicLabelKeys.includes(k)));
}

export const LABELS_RULES: readonly Rule[] = [
  {
    id: 'labels.standard',
    rationale: 'Tools, dashboards and `kubectl -l` find a release\'s objects by the standard app.kubernetes.io labels and helm.sh/chart.',
    fix: 'Build objects inside the package (the compiler adds the standard labels); do not replace metadata.labels wholesale.',
    check: perRender(function* (render, subject) {
      const expectValue: Record<string, string> = { [NAME]: subject.chartName, [INSTANCE]: render.release };
      for (const o of render.objects) {
        const labels = obj(metadataOf(o).labels);
        for (const label of STANDARD_LABELS) {
          if (typeof labels[label] !== 'string' || labels[label] === '') yield { object: ref(o), path: key('metadata.labels', label), message: 'is missing' };
          else if (expectValue[label] !== undefined && labels[label] !== expectValue[label]) {
            yield { object: ref(o), path: key('metadata.labels', label), message: `is ${JSON.stringify(labels[label])}, expected ${JSON.stringify(expectValue[label])}` };
          }
        }
      }
      for (const pod of render.pods) {
        if (pod.operator) continue; // the operator owns its pods' labels
        for (const label of [NAME, INSTANCE]) {
          if (pod.labels[label] !== expectValue[label]) {
            yield { object: pod.object, path: key(pod.at.labels, label), message: `pods must carry ${label}: ${expectValue[label]} (got ${JSON.stringify(pod.labels[label])})` };
          }
        }
      }
    }),
  },
  {
    id: 'labels.selector-scope',
    rationale: 'Selectors are immutable and must pick only this release\'s pods: app.kubernetes.io/name + instance (+ component), or the labels an operator puts on pods it creates for this release.',
    fix: 'Select by app.kubernetes.io/name and app.kubernetes.io/instance (add app.kubernetes.io/component to tell workloads apart), or by the labels the operator sets on its pods.',
    check: perRender(function* (render, subject) {
      for (const o of render.objects) {
        for (const s of selectorsOf(o)) {
          if (isEmptySelector(s.selector)) {
            if (s.role === 'network-policy' && subject.pkg.kind === 'platform') continue;
            yield { object: s.object, path: s.path, message: 'selects every pod of the namespace, including other releases\'' };
            continue;
          }
          const labels = obj(s.selector.matchLabels);
          const keys = selectorKeys(s.selector);
          const own = labels[NAME] === subject.chartName && labels[INSTANCE] === render.release
            && list(s.selector.matchExpressions).length === 0 && keys.every((k) => k === NAME || k === INSTANCE || k === COMPONENT);
          if (own || operatorPodsSelected(s.selector, render)) continue;
          yield { object: s.object, path: s.path, message: `selects by ${keys.join(', ') || '(nothing)'}, which neither is app.kubernetes.io/name=${subject.chartName} + instance=${render.release} nor matches the labels of pods an operator creates for this release` };
        }
      }
    }),
  },
];
