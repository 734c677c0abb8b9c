/** Results of the real tools: helm lint and helm template on Helm 3 and 4, and object validation. */
import { perRender, type Rule } from './rule';

export const TOOL_RULES: readonly Rule[] = [
  {
    id: 'helm.lint',
    rationale: 'helm lint --strict is the baseline every chart repository runs; both Helm majors must accept the chart.',
    fix: 'Fix what helm lint reports (regenerate the chart with hearth build).',
    *check(subject) {
      for (const run of subject.helm) if (run.command === 'lint' && !run.ok) yield { object: 'Chart.yaml', message: `helm ${run.major} lint --strict: ${run.output}` };
    },
  },
  {
    id: 'helm.template',
    rationale: 'The chart must render with its defaults on Helm 3 and Helm 4.',
    fix: 'Fix the template error helm reports.',
    *check(subject) {
      for (const run of subject.helm) if (run.command === 'template' && !run.ok) yield { object: 'templates', message: `helm ${run.major} template: ${run.output}` };
    },
  },
  {
    id: 'k8s.schema',
    rationale: 'The API server drops or refuses fields its schema does not know; an invalid object is a setting silently lost or a failed install.',
    fix: 'Correct the field to the Kubernetes API (or the operator CRD) the object is validated against.',
    check: perRender(function* (render, subject) {
      if (!subject.validateObjects) return;
      for (const p of subject.validateObjects(render.objects).problems) yield { object: p.object, path: p.path || undefined, message: p.message };
    }),
  },
];
