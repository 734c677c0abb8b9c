/**
 * `hearth check`: the conformance and security gates every generated chart must pass.
 *
 * Per chart: `helm lint --strict` and `helm template` (defaults) on Helm 3 and Helm 4, then the rule
 * set of scripts/lib/rules over the chart files and over many renders — the defaults as Helm 4
 * renders them, and, when the package definition is in the catalog, the concrete render (proven
 * equal to helm by the equivalence test) of a 53-character release name, one value set per enum
 * value and boolean flip, seeded random value sets, and two releases side by side in one
 * namespace. Findings read like a linter's: rule id, object, field, why, how to fix.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseManifest } from './manifest';
import type { PackageDefinition, PackageKind, PodSecurityProfile } from '../../constructs/package';
import type { CompiledPackage } from '../../constructs/compiler/compile';
import { mergeValues, renderConcrete } from '../../constructs/compiler/render';
import { RenderFailure } from '../../constructs/expr/functions';
import { ValuesError } from '../../constructs/values/validate';
import { validateObjects } from '../../constructs/validation/objects';
import { podViews } from '../../constructs/validation/pod-templates';
import { BAD_VALUES_FILE } from './bad-values';
import { buildPackage } from './build';
import { loadPackage, PROJECT_ROOT, type LoadedPackage } from './catalog';
import { helmBinary, runHelm, type HelmMajor } from './helm';
import { RULES, runRules, type CheckFinding } from './rules';
import type { CheckSubject, HelmRun, Json, PackageFacts, RenderSubject } from './rules/rule';
import { coverageValueSets, sampleValueSets } from './sample-values';

export type { CheckFinding } from './rules';

/** The release namespace of every render: not `default`, so hard-coded namespaces show. */
export const CHECK_NAMESPACE = 'hearth-check';
export const CHECK_RELEASE = 'check';
/** Helm's longest release name (53 characters). */
export const LONG_RELEASE = 'a-release-name-of-fifty-three-characters-for-hearth-0';
/** Two releases installed side by side; the long pair differs only in its last character. */
const PAIRS: readonly (readonly [string, string])[] = [['alpha', 'beta'], [LONG_RELEASE, `${LONG_RELEASE.slice(0, -1)}1`]];
export const DEFAULT_SAMPLES = 24;
export const DEFAULT_SEED = 20261122;

export const REPORT_API_VERSION = 'hearth.dev/check-report/v1';

export interface PackageReport {
  readonly package: string;
  readonly version?: string;
  /** What was run, in order (tools and render sets). */
  readonly checks: readonly string[];
  readonly renders: number;
  /** Objects across all renders. */
  readonly objects: number;
  /** Objects that could not be validated against a schema, with the reason. */
  readonly unvalidated: readonly { readonly object: string; readonly reason: string }[];
  /** Checks that could not run, with the reason. */
  readonly skipped: readonly string[];
  readonly findings: readonly CheckFinding[];
}

export interface CheckReport {
  readonly apiVersion: typeof REPORT_API_VERSION;
  readonly ok: boolean;
  readonly rules: readonly { readonly id: string; readonly rationale: string; readonly fix: string }[];
  readonly packages: readonly PackageReport[];
  readonly summary: { readonly charts: number; readonly renders: number; readonly objects: number; readonly findings: number };
}

export interface CheckOptions {
  readonly chartsDir: string;
  readonly catalogDir: string;
  readonly packages: readonly string[];
  readonly format: 'text' | 'json';
  /** Random value sets per package. @default DEFAULT_SAMPLES */
  readonly samples?: number;
  /** @default DEFAULT_SEED */
  readonly seed?: number;
}

/** A check that cannot start (no charts, unknown chart); the message says what to do. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

const MAJORS: readonly HelmMajor[] = [3, 4];

/** The chart's text files, keyed by path relative to the chart folder. */
export function readChartFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(dir, full).split('\\').join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/** Package facts from the definition, or from Chart.yaml's hearth annotations without one. */
export function packageFacts(name: string, pkg: PackageDefinition | undefined, files: Readonly<Record<string, string>>): PackageFacts {
  if (pkg) {
    return {
      name: pkg.name,
      kind: pkg.kind,
      podSecurity: pkg.podSecurity,
      podSecurityJustification: pkg.podSecurityJustification,
      allowedNamespaces: pkg.allowedNamespaces ?? [],
      serviceAccountToken: pkg.serviceAccountToken,
    };
  }
  let annotations: Record<string, unknown> = {};
  try {
    const chart = parse(files['Chart.yaml'] ?? '', { version: '1.1' }) as { annotations?: Record<string, unknown> } | null;
    annotations = chart?.annotations ?? {};
  } catch {
    // chart.api-version reports the unreadable Chart.yaml
  }
  return {
    name,
    kind: (annotations['hearth.dev/kind'] as PackageKind | undefined) ?? 'app',
    podSecurity: (annotations['hearth.dev/pod-security'] as PodSecurityProfile | undefined) ?? 'restricted',
    allowedNamespaces: [],
  };
}

function render(label: string, release: string, values: unknown, objects: Json[], manifest?: string): RenderSubject {
  return {
    label,
    release,
    namespace: CHECK_NAMESPACE,
    values,
    objects,
    pods: podViews(objects),
    manifest: manifest ?? objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join(''),
  };
}

async function helmRuns(chartDir: string): Promise<{ runs: HelmRun[]; defaults?: { stdout: string } }> {
  const jobs = MAJORS.flatMap((major) => (['lint', 'template'] as const).map((command) => ({ major, command })));
  const results = await Promise.all(jobs.map(async ({ major, command }) => {
    if (!helmBinary(major)) return { major, command, ok: false, output: `helm ${major} not found: set $HELM${major} or install the dev dependencies`, stdout: '' };
    const args = command === 'lint' ? ['lint', '--strict', chartDir] : ['template', CHECK_RELEASE, chartDir, '--namespace', CHECK_NAMESPACE];
    const r = await runHelm(major, args);
    const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /\[(ERROR|WARNING)\]|Error:|^- /.test(l));
    return { major, command, ok: r.code === 0, output: r.code === 0 ? '' : lines.join(' | ') || r.stderr.trim() || `${command} failed`, stdout: r.stdout };
  }));
  const template = (major: HelmMajor) => results.find((r) => r.major === major && r.command === 'template' && r.ok);
  const defaults = template(4) ?? template(3);
  return { runs: results.map(({ stdout: _stdout, ...run }) => run), defaults: defaults ? { stdout: defaults.stdout } : undefined };
}

/** Concrete renders of the package: a long release name, coverage value sets, random samples. */
function concreteRenders(compiled: CompiledPackage, samples: number, seed: number, skipped: string[]) {
  const renders: RenderSubject[] = [];
  const attempt = (label: string, values: unknown, release: string): RenderSubject | undefined => {
    try {
      return render(label, release, values, renderConcrete(compiled, values, { name: release, namespace: CHECK_NAMESPACE }));
    } catch (e) {
      // Value sets the schema or the templates refuse are not installable: nothing to check.
      if (e instanceof ValuesError || e instanceof RenderFailure) return undefined;
      throw e;
    }
  };
  const long = attempt(`release name of ${LONG_RELEASE.length} characters`, {}, LONG_RELEASE);
  if (long) renders.push(long);
  for (const { label, values } of coverageValueSets(compiled.schema)) {
    const r = attempt(label, values, CHECK_RELEASE);
    if (r) renders.push(r);
  }
  let refused = 0;
  for (const [i, values] of sampleValueSets(compiled.schema, samples, seed).entries()) {
    const text = JSON.stringify(values);
    const r = attempt(`sample ${i + 1} ${text.length > 120 ? `${text.slice(0, 117)}...` : text}`, values, CHECK_RELEASE);
    if (r) renders.push(r);
    else refused++;
  }
  if (refused) skipped.push(`${refused} of ${samples} random value sets are refused by the schema or the templates (not installable, not checked)`);
  const pairs = PAIRS.map(([a, b]) => [attempt('defaults', {}, a), attempt('defaults', {}, b)] as const)
    .filter((p): p is readonly [RenderSubject, RenderSubject] => p[0] !== undefined && p[1] !== undefined);
  return { compiled, renders, pairs };
}

export interface CheckChartOptions {
  /** The package definition from the catalog; without it only the chart and its default render are checked. */
  readonly loaded?: LoadedPackage;
  readonly samples?: number;
  readonly seed?: number;
}

/** Builds everything the rules inspect for one chart folder. */
export async function checkSubject(chartDir: string, name: string, options: CheckChartOptions = {}): Promise<{ subject: CheckSubject; checks: string[]; skipped: string[]; unvalidated: PackageReport['unvalidated'] }> {
  const files = readChartFiles(chartDir);
  const checks = [...MAJORS.map((m) => `helm ${m} lint --strict`), ...MAJORS.map((m) => `helm ${m} template (defaults)`)];
  const skipped: string[] = [];
  const { runs, defaults } = await helmRuns(chartDir);
  const renders: RenderSubject[] = [];
  if (defaults) renders.push(render('defaults', CHECK_RELEASE, {}, parseManifest(defaults.stdout), defaults.stdout));
  const loaded = options.loaded;
  let pairs: (readonly [RenderSubject, RenderSubject])[] = [];
  let expectedFiles: Record<string, string> | undefined;
  let corpus: CheckSubject['corpus'];
  if (loaded) {
    const samples = options.samples ?? DEFAULT_SAMPLES;
    const built = buildPackage(loaded);
    const concrete = concreteRenders(built.compiled, samples, options.seed ?? DEFAULT_SEED, skipped);
    renders.push(...concrete.renders);
    pairs = concrete.pairs;
    expectedFiles = built.files;
    checks.push(`concrete renders: release name of ${LONG_RELEASE.length} characters, every enum value and boolean flip, ${samples} random value sets, ${pairs.length} pairs of releases`);
    const file = join(loaded.dir, BAD_VALUES_FILE);
    corpus = {
      file: relative(PROJECT_ROOT, file) || file,
      text: existsSync(file) ? readFileSync(file, 'utf8') : undefined,
      validate: (user) => {
        try {
          mergeValues(concrete.compiled, user);
          return [];
        } catch (e) {
          if (e instanceof ValuesError) return e.problems;
          throw e;
        }
      },
    };
  } else {
    skipped.push(`no package definition for '${name}' in the catalog: value-set renders, release pairs, drift and the bad-values corpus are not checked`);
  }
  const unvalidated = new Map<string, string>();
  const subject: CheckSubject = {
    chartName: name,
    files,
    expectedFiles,
    pkg: packageFacts(name, loaded?.pkg, files),
    renders,
    coversEveryOption: loaded !== undefined,
    pairs,
    helm: runs,
    corpus,
    validateObjects: (objects) => {
      const report = validateObjects(objects);
      for (const u of report.unvalidated) unvalidated.set(u.object, u.reason);
      return report;
    },
  };
  checks.push(`${RULES.length} rules over ${renders.length} renders`);
  return { subject, checks, skipped, get unvalidated() { return [...unvalidated].map(([object, reason]) => ({ object, reason })); } };
}

export async function checkChart(chartDir: string, name: string, options: CheckChartOptions = {}): Promise<PackageReport> {
  const built = await checkSubject(chartDir, name, options);
  const findings = runRules(built.subject);
  return {
    package: name,
    ...(options.loaded ? { version: options.loaded.pkg.version } : {}),
    checks: built.checks,
    renders: built.subject.renders.length,
    objects: built.subject.renders.reduce((n, r) => n + r.objects.length, 0),
    unvalidated: built.unvalidated,
    skipped: built.skipped,
    findings,
  };
}

function chartNames(chartsDir: string, only: readonly string[]): string[] {
  if (!existsSync(chartsDir)) throw new CheckError(`no generated charts in ${chartsDir}: run hearth build first`);
  const all = readdirSync(chartsDir).filter((n) => statSync(join(chartsDir, n)).isDirectory()).sort();
  for (const n of only) if (!all.includes(n)) throw new CheckError(`no chart '${n}' in ${chartsDir}; available: ${all.join(', ')}`);
  return only.length ? all.filter((n) => only.includes(n)) : all;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line per finding, like a linter: `RULE-ID  Kind/name  field.path  message [render] (fix: ...)`. */
export function formatFinding(f: CheckFinding): string {
  return `${f.rule}  ${f.object ?? '-'}  ${f.path ?? '-'}  ${f.message}${f.render ? ` [${f.render}]` : ''} (fix: ${f.fix})`;
}

export function formatText(report: CheckReport): string {
  const lines: string[] = [];
  for (const p of report.packages) {
    lines.push(`${p.package}${p.version ? ` ${p.version}` : ''}: ${plural(p.renders, 'render')}, ${plural(p.objects, 'object')}, ${plural(p.findings.length, 'violation')}`);
    for (const f of p.findings) lines.push(formatFinding(f));
    for (const s of p.skipped) lines.push(`  (skipped) ${s}`);
    for (const u of p.unvalidated) lines.push(`  (not validated) ${u.object}: ${u.reason}`);
  }
  const { charts, renders, objects, findings } = report.summary;
  const dirty = report.packages.filter((p) => p.findings.length).length;
  const scope = `${plural(report.rules.length, 'rule')}, ${plural(renders, 'render')}, ${plural(objects, 'object')}`;
  lines.push(findings === 0
    ? `hearth check: no violations in ${plural(charts, 'chart')} (${scope})`
    : `hearth check: ${plural(findings, 'violation')} in ${dirty} of ${plural(charts, 'chart')} (${scope})`);
  return lines.join('\n');
}

export function reportOf(packages: readonly PackageReport[]): CheckReport {
  return {
    apiVersion: REPORT_API_VERSION,
    ok: packages.every((p) => p.findings.length === 0),
    rules: RULES.map(({ id, rationale, fix }) => ({ id, rationale, fix })),
    packages,
    summary: {
      charts: packages.length,
      renders: packages.reduce((n, p) => n + p.renders, 0),
      objects: packages.reduce((n, p) => n + p.objects, 0),
      findings: packages.reduce((n, p) => n + p.findings.length, 0),
    },
  };
}

/** Runs the checks; prints the report; returns the process exit code. */
export async function runCheck(options: CheckOptions): Promise<number> {
  const names = chartNames(options.chartsDir, options.packages);
  const packages: PackageReport[] = [];
  for (const [i, name] of names.entries()) {
    if (options.format === 'text') process.stderr.write(`[${i + 1}/${names.length}] checking ${name}\n`);
    const source = join(options.catalogDir, name);
    const loaded = existsSync(join(source, 'package.ts')) ? await loadPackage(source) : undefined;
    packages.push(await checkChart(join(options.chartsDir, name), name, { loaded, samples: options.samples, seed: options.seed }));
  }
  const report = reportOf(packages);
  process.stdout.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${formatText(report)}\n`);
  return report.ok ? 0 : 1;
}
