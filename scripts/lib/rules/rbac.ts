/** RBAC: least privilege for whatever identities a chart creates. */
import { list, obj, perRender, ref, type Json, type Rule, type Violation } from './rule';

const RBAC = 'rbac.authorization.k8s.io/v1';

function roles(objects: readonly Json[]): Json[] {
  return objects.filter((o) => String(o.apiVersion) === RBAC && (o.kind === 'Role' || o.kind === 'ClusterRole'));
}

function* eachRule(objects: readonly Json[]): Generator<{ o: Json; rule: Json; path: string }> {
  for (const o of roles(objects)) for (const [i, rule] of list(o.rules).entries()) yield { o, rule, path: `rules[${i}]` };
}

const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

export const RBAC_RULES: readonly Rule[] = [
  {
    id: 'rbac.no-wildcards',
    rationale: 'A * in verbs, resources or apiGroups grants every current and future permission of that kind.',
    fix: 'List the exact apiGroups, resources and verbs the workload needs.',
    check: perRender(function* (render) {
      for (const { o, rule, path } of eachRule(render.objects)) {
        for (const field of ['verbs', 'resources', 'apiGroups', 'nonResourceURLs']) {
          if (strings(rule[field]).some((v) => v === '*' || v.endsWith('/*'))) yield { object: ref(o), path: `${path}.${field}`, message: `grants ${field} '*'` };
        }
      }
    }),
  },
  {
    id: 'rbac.no-escalation-verbs',
    rationale: 'escalate, bind and impersonate let the holder grant itself any permission or act as anyone.',
    fix: 'Remove the escalate, bind and impersonate verbs.',
    check: perRender(function* (render) {
      for (const { o, rule, path } of eachRule(render.objects)) {
        for (const verb of strings(rule.verbs)) if (['escalate', 'bind', 'impersonate'].includes(verb)) yield { object: ref(o), path: `${path}.verbs`, message: `grants ${verb}` };
      }
    }),
  },
  {
    id: 'rbac.no-pods-exec',
    rationale: 'pods/exec and pods/attach open a shell in any pod of the namespace, with its secrets and identity.',
    fix: 'Remove pods/exec and pods/attach from the role.',
    check: perRender(function* (render) {
      for (const { o, rule, path } of eachRule(render.objects)) {
        for (const resource of strings(rule.resources)) if (resource === 'pods/exec' || resource === 'pods/attach') yield { object: ref(o), path: `${path}.resources`, message: `grants ${resource}` };
      }
    }),
  },
  {
    id: 'rbac.no-cluster-admin',
    rationale: 'Binding cluster-admin hands out full control of the cluster.',
    fix: 'Bind a role that lists only the needed permissions.',
    check: perRender(function* (render) {
      for (const o of render.objects) {
        if (String(o.apiVersion) !== RBAC || (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding')) continue;
        const roleRef = obj(o.roleRef);
        if (roleRef.kind === 'ClusterRole' && roleRef.name === 'cluster-admin') yield { object: ref(o), path: 'roleRef.name', message: 'binds cluster-admin' } satisfies Violation;
      }
    }),
  },
  {
    id: 'rbac.app-namespaced',
    rationale: 'Tenant apps must stay inside their namespace; cluster-scoped RBAC reaches every namespace.',
    fix: 'Use a Role and RoleBinding in the release namespace; cluster-wide permissions belong to platform or operator packages.',
    check: perRender(function* (render, subject) {
      if (subject.pkg.kind !== 'app') return;
      for (const o of render.objects) {
        if (String(o.apiVersion) === RBAC && (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')) yield { object: ref(o), message: `an app package renders a ${String(o.kind)}` };
      }
    }),
  },
];
