/** Every rule of `hearth check`, in report order, and the runner that turns violations into findings. */
import { CHART_RULES } from './chart';
import { CORPUS_RULES } from './corpus';
import { DOCS_RULES } from './docs';
import { HYGIENE_RULES } from './hygiene';
import { LABELS_RULES } from './labels';
import { NAMES_RULES } from './names';
import { POD_SECURITY_RULES } from './pod-security';
import { RBAC_RULES } from './rbac';
import type { CheckSubject, Rule } from './rule';
import { SCHEMA_RULES } from './schema';
import { SECRETS_RULES } from './secrets';
import { SIZE_RULES } from './size';
import { TEMPLATE_RULES } from './template';
import { TOOL_RULES } from './tools';

export type { CheckSubject, Rule } from './rule';

export const RULES: readonly Rule[] = [
  ...TOOL_RULES,
  ...CHART_RULES,
  ...SCHEMA_RULES,
  ...DOCS_RULES,
  ...NAMES_RULES,
  ...LABELS_RULES,
  ...POD_SECURITY_RULES,
  ...HYGIENE_RULES,
  ...RBAC_RULES,
  ...SECRETS_RULES,
  ...TEMPLATE_RULES,
  ...SIZE_RULES,
  ...CORPUS_RULES,
];

/** One violation as reported: the rule, where, what, how to fix. */
export interface CheckFinding {
  readonly rule: string;
  readonly package: string;
  /** `Kind/name` of the object, or the chart file. */
  readonly object?: string;
  /** Dotted field path inside the object or file. */
  readonly path?: string;
  readonly message: string;
  readonly fix: string;
  /** The render (value set and release) that showed it first. */
  readonly render?: string;
}

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

/**
 * Runs rules over one chart. The same violation seen in several renders is reported once (with the
 * first render that showed it); release names are compared as placeholders for that purpose.
 */
export function runRules(subject: CheckSubject, rules: readonly Rule[] = RULES): CheckFinding[] {
  // Names differ between renders (release names, names fitted to 63 characters with a hash):
  // compare them as placeholders, so one problem is one finding.
  const byLength = (a: string, b: string) => b.length - a.length;
  const releases = [...new Set([...subject.renders, ...subject.pairs.flat()].map((r) => r.release))].filter((r) => r.length >= 4).sort(byLength);
  const names = new Map(subject.renders.map((r) => [r.label, [...new Set(r.objects.map((o) => String((o.metadata as { name?: unknown } | undefined)?.name ?? '')))].filter((n) => n.length >= 4).sort(byLength)]));
  const neutral = (text: string | undefined, render: string | undefined) => {
    let out = text ?? '';
    for (const n of names.get(render ?? '') ?? []) out = out.replaceAll(n, '<name>');
    for (const r of releases) out = out.replaceAll(r, '<release>');
    return out;
  };
  const findings: CheckFinding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    for (const v of rule.check(subject)) {
      const id = [rule.id, neutral(v.object, v.render), v.path ?? '', neutral(v.message, v.render)].join('\u0000');
      if (seen.has(id)) continue;
      seen.add(id);
      findings.push({
        rule: rule.id,
        package: subject.chartName,
        ...(v.object !== undefined ? { object: v.object } : {}),
        ...(v.path !== undefined ? { path: v.path } : {}),
        message: v.message,
        fix: v.fix ?? rule.fix,
        ...(v.render !== undefined ? { render: v.render } : {}),
      });
    }
  }
  return findings;
}
