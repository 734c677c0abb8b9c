/** Secrets and data: credentials stay out of plain text, and data outlives a failed upgrade or an uninstall. */
import { HELM_KEEP_ANNOTATION } from '../../../constructs/validation/pod-templates';
import { chartSchema, schemaValueNodes } from './schema';
import { annotations, list, perPod, perRender, ref, type Rule } from './rule';

/** Names that hold a credential (but not the name or path of one). */
const SECRET_NAME = /(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credentials?)/i;
const REFERENCE_SUFFIX = /(name|ref|path|file|dir|mode|policy|enabled)$/i;

export function looksLikeCredential(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_SUFFIX.test(name);
}

const keepPath = `metadata.annotations["${HELM_KEEP_ANNOTATION}"]`;

export const SECRETS_RULES: readonly Rule[] = [
  {
    id: 'secrets.no-literal-env',
    rationale: 'A credential written into env is readable by anyone who can read the pod spec or the workload object.',
    fix: 'Put the value in a Secret and reference it with env[].valueFrom.secretKeyRef.',
    check: perPod(function* (pod) {
      for (const c of pod.containers) {
        for (const [i, e] of list(c.spec.env).entries()) {
          const name = String(e.name ?? '');
          if (looksLikeCredential(name) && typeof e.value === 'string' && e.value !== '') {
            yield { path: `${c.at.env}[${i}].value`, message: `container ${c.name} of the ${pod.description} has the credential ${name} as a literal value` };
          }
        }
      }
    }),
  },
  {
    id: 'secrets.no-password-defaults',
    rationale: 'A non-empty default password is the same password in every installation, published in the chart.',
    fix: 'Default credentials to "" and generate them (ctx.stablePassword / PasswordSecret) when the user gives none.',
    *check(subject) {
      const schema = chartSchema(subject);
      if (!schema) return;
      for (const { node, path, kind } of schemaValueNodes(schema, '')) {
        const [last = '', parent = ''] = path.split('.').reverse();
        if (kind !== 'leaf' || node.type !== 'string') continue;
        // Fields of a reference to an existing Secret (`existingSecret.name`, `s3CredentialsSecret.accessKeyIDKey`) name keys, not credentials.
        const referenceField = /(^s|S)ecret(Ref)?$/.test(parent);
        if (!((looksLikeCredential(last) && !referenceField) || node['x-hearth-secret'] === true)) continue;
        if (node.default !== undefined && node.default !== '') yield { object: 'values.schema.json', path, message: `defaults to a non-empty credential (${JSON.stringify(node.default)})` };
      }
    },
  },
  {
    id: 'secrets.keep-credentials',
    rationale: 'A credential Secret deleted by a failed install or an uninstall cannot be regenerated for data that was encrypted or replicated with it.',
    fix: 'Annotate the Secret with helm.sh/resource-policy: keep (PasswordSecret does).',
    check: perRender(function* (render) {
      for (const o of render.objects) {
        if (o.kind === 'Secret' && String(o.apiVersion) === 'v1' && annotations(o)[HELM_KEEP_ANNOTATION] !== 'keep') yield { object: ref(o), path: keepPath, message: 'is not kept by Helm (helm.sh/resource-policy: keep)' };
      }
    }),
  },
  {
    id: 'data.keep-pvcs',
    rationale: 'Helm deletes the PersistentVolumeClaims it created on uninstall or remediation, and the data with them.',
    fix: 'Annotate directly created PVCs with helm.sh/resource-policy: keep (or use StatefulSet volumeClaimTemplates).',
    check: perRender(function* (render) {
      for (const o of render.objects) {
        if (o.kind === 'PersistentVolumeClaim' && annotations(o)[HELM_KEEP_ANNOTATION] !== 'keep') yield { object: ref(o), path: keepPath, message: 'is not kept by Helm (helm.sh/resource-policy: keep)' };
      }
    }),
  },
  {
    id: 'data.pvc-retention',
    rationale: 'Volumes of stateful pods must survive the deletion of their StatefulSet or custom resource (an uninstall, a remediation).',
    fix: 'StatefulSets: leave persistentVolumeClaimRetentionPolicy at Retain/Retain. Operator resources: keep the claims (e.g. keepAfterDeletion) or annotate the resource with helm.sh/resource-policy: keep.',
    check: perPod(function* (pod) {
      if (pod.volumeClaims && !pod.volumeClaims.retained) yield { path: pod.volumeClaims.at, message: `the ${pod.description} lose their volumes when ${pod.object} is deleted: ${pod.volumeClaims.why}` };
    }),
  },
];
