/** Hygiene: what the usual chart linters check beyond Pod Security. */
import { selectorMatch, type PodView } from '../../../constructs/validation/pod-templates';
import { isEmptySelector, list, nameOf, obj, perPod, perRender, ref, selectorsOf, type Json, type RenderSubject, type Rule } from './rule';
import { isPlainObject } from '../../../constructs/util/json';

/** True when a pod of the view gets a Kubernetes API token mounted. */
export function mountsServiceAccountToken(pod: PodView, render: RenderSubject): boolean {
  const projected = list(pod.spec.volumes).some((v) => list(obj(v.projected).sources).some((s) => s.serviceAccountToken !== undefined));
  if (projected) return true;
  if (typeof pod.spec.automountServiceAccountToken === 'boolean') return pod.spec.automountServiceAccountToken;
  const account = String(pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? 'default');
  const sa = render.objects.find((o) => o.kind === 'ServiceAccount' && nameOf(o) === account);
  // The namespace's `default` account, or one the chart does not render, mounts a token unless it says otherwise.
  return !(sa && sa.automountServiceAccountToken === false);
}

function hasQuantity(resources: Json, group: 'requests' | 'limits', name: 'cpu' | 'memory'): boolean {
  const v = obj(resources[group])[name];
  return (typeof v === 'string' && v !== '') || typeof v === 'number';
}

/** `registry/repo:tag` or `...@sha256:...` with a tag other than latest. */
export function imagePinned(image: unknown): boolean {
  if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) return false;
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const last = image.split('/').pop() ?? '';
  const tag = /:([\w][\w.-]{0,127})$/.exec(last)?.[1];
  return tag !== undefined && tag !== 'latest';
}

function policies(render: RenderSubject) {
  return render.objects.flatMap((o) => selectorsOf(o).filter((s) => s.role === 'network-policy').map((s) => ({ ...s, o })));
}

export const HYGIENE_RULES: readonly Rule[] = [
  {
    id: 'hygiene.read-only-root-filesystem',
    rationale: 'A writable root file system lets an intruder change binaries and configuration inside the container.',
    fix: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the program must write.',
    check: perPod(function* (pod) {
      for (const c of pod.containers) {
        if (obj(c.spec.securityContext).readOnlyRootFilesystem !== true) {
          yield { path: `${c.at.securityContext}.readOnlyRootFilesystem`, message: `container ${c.name} of the ${pod.description} has a writable root file system` };
        }
      }
    }),
  },
  {
    id: 'hygiene.service-account-token',
    rationale: 'A mounted API token is a credential an intruder can use against the cluster; pods that never call the API must not carry one.',
    fix: 'Set automountServiceAccountToken: false on the pod (or on a ServiceAccount the chart renders for its pods); packages whose own pods call the API declare serviceAccountToken with the reason.',
    check: perPod(function* (pod, render, subject) {
      if (pod.serviceAccountTokenRequiredBy || subject.pkg.serviceAccountToken) return;
      if (!mountsServiceAccountToken(pod, render)) return;
      const account = String(pod.spec.serviceAccountName ?? 'default');
      yield {
        path: `${pod.at.spec}.${pod.operator ? 'serviceAccountName' : 'automountServiceAccountToken'}`,
        message: `the ${pod.description} get a Kubernetes API token (service account ${account} does not disable automountServiceAccountToken)`,
        fix: pod.operator
          ? 'Render a ServiceAccount with automountServiceAccountToken: false and name it in the resource\'s serviceAccountName.'
          : undefined,
      };
    }),
  },
  {
    id: 'hygiene.resources',
    rationale: 'Without CPU and memory requests the scheduler overcommits nodes; without a memory limit one pod can exhaust a node\'s memory.',
    fix: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container (containerResources()).',
    check: perPod(function* (pod) {
      for (const c of pod.containers) {
        if (c.role === 'ephemeral') continue;
        const r = obj(c.spec.resources);
        const missing = [
          ...(hasQuantity(r, 'requests', 'cpu') ? [] : ['requests.cpu']),
          ...(hasQuantity(r, 'requests', 'memory') ? [] : ['requests.memory']),
          ...(hasQuantity(r, 'limits', 'memory') ? [] : ['limits.memory']),
        ];
        if (missing.length) yield { path: c.at.resources, message: `container ${c.name} of the ${pod.description} has no ${missing.join(', ')}` };
      }
    }),
  },
  {
    id: 'hygiene.image-pinned',
    rationale: 'An unpinned image (latest, or no tag) changes under a running release and cannot be mirrored or scanned reliably.',
    fix: 'Use a full image reference with a version tag or a digest (declare it in the package\'s images and use ctx.image).',
    check: perPod(function* (pod) {
      for (const c of pod.containers) {
        if (c.operatorImage) continue;
        if (!imagePinned(c.spec.image)) yield { path: c.at.image, message: `container ${c.name} of the ${pod.description} uses the unpinned image ${JSON.stringify(c.spec.image ?? null)}` };
      }
    }),
  },
  {
    id: 'hygiene.probes',
    rationale: 'Without a readiness probe traffic reaches pods that cannot serve; without a liveness probe a hung process is never restarted.',
    fix: 'Give every long-running container a readinessProbe and a livenessProbe.',
    check: perPod(function* (pod) {
      if (!pod.longRunning) return;
      for (const c of pod.containers) {
        if (c.role !== 'main') continue;
        for (const probe of ['readinessProbe', 'livenessProbe']) {
          if (isPlainObject(c.spec[probe])) continue;
          yield {
            path: `${c.at.probes}.${probe}`,
            message: `container ${c.name} of the ${pod.description} has no ${probe}${pod.operator ? ' (the operator adds none)' : ''}`,
            fix: pod.operator
              ? `Set the probe through the custom resource where it has a field for it; where it has none, run the container as an extra container of the resource, with probes, instead of the ${pod.operator}'s built-in one.`
              : undefined,
          };
        }
      }
    }),
  },
  {
    id: 'hygiene.pod-disruption-budget',
    rationale: 'Replicated pods need a PodDisruptionBudget, or a node drain can evict all of them at once.',
    fix: 'Render a PodDisruptionBudget (maxUnavailable: 1) selecting the pods, or keep the operator\'s own budget enabled.',
    check: perPod(function* (pod, render) {
      if (!pod.longRunning || pod.replicas === undefined || pod.replicas <= 1 || pod.operatorPodDisruptionBudget) return;
      const covered = render.objects.some((o) => o.kind === 'PodDisruptionBudget' && selectorsOf(o).some((s) => selectorMatch(s.selector, pod) === 'all'));
      if (!covered) yield { path: pod.at.spec, message: `${pod.replicas} ${pod.description} have no PodDisruptionBudget` };
    }),
  },
  {
    id: 'hygiene.network-policy',
    rationale: 'A pod no network policy selects accepts traffic from anywhere in the cluster.',
    fix: 'Render a NetworkPolicy (or CiliumNetworkPolicy) whose pod selector matches the pods (ServiceNetworkPolicy).',
    check: perPod(function* (pod, render) {
      const selected = policies(render).some((p) => isEmptySelector(p.selector) || selectorMatch(p.selector, pod) === 'all');
      if (!selected) yield { path: pod.at.labels, message: `no NetworkPolicy or CiliumNetworkPolicy selects the ${pod.description}` };
    }),
  },
  {
    id: 'hygiene.dangling-network-policy',
    rationale: 'A network policy that selects no pod of the release protects nothing and usually means a broken selector.',
    fix: 'Make the policy\'s selector match the labels the pods actually carry.',
    check: perRender(function* (render) {
      for (const p of policies(render)) {
        if (isEmptySelector(p.selector)) continue;
        if (!render.pods.some((pod) => selectorMatch(p.selector, pod) !== 'none')) yield { object: ref(p.o), path: p.path, message: 'selects none of the release\'s pods' };
      }
    }),
  },
];
