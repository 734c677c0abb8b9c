/**
 * Every hearth check rule fires on a fixture that breaks it (its id in the linter output) and
 * stays quiet on one that does not. The fixtures edit the `web` test package, which meets every
 * rule (test/fixtures/rules/cases.yaml, test/support/rule-fixtures.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../scripts/lib/build';
import { PROJECT_ROOT } from '../scripts/lib/catalog';
import { formatFinding, reportOf } from '../scripts/lib/check';
import { RULES, ruleById, runRules } from '../scripts/lib/rules';
import type { CheckSubject } from '../scripts/lib/rules/rule';
import { tempDir, writeTree } from './support/charts';
import { baseSubject, edited, ruleCases, webPackage } from './support/rule-fixtures';

const cases = ruleCases();
let base: CheckSubject;

beforeAll(async () => {
  base = await baseSubject();
});

function findingsOf(subject: CheckSubject, rule: string) {
  return runRules(subject, [ruleById(rule)!]);
}

describe('hearth check rules', () => {
  it('the web fixture meets every rule, in every render', () => {
    expect(base.renders.length).toBeGreaterThan(3);
    expect(base.pairs.length).toBe(2);
    expect(runRules(base).map(formatFinding)).toEqual([]);
  });

  it('every rule has an id, a one-line rationale, a fix, and a failing fixture', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.rationale, rule.id).toMatch(/^[^\n]{20,200}$/);
      expect(rule.fix.length, rule.id).toBeGreaterThan(10);
    }
    const covered = new Set(cases.map((c) => c.rule));
    expect(ids.filter((id) => !covered.has(id))).toEqual([]);
    expect(cases.map((c) => c.rule).filter((id) => !ruleById(id))).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.rule} fires when ${c.why}`, () => {
      const findings = findingsOf(edited(base, c.fail), c.rule);
      expect(findings.length, `no ${c.rule} finding`).toBeGreaterThan(0);
      const line = formatFinding(findings[0]!);
      expect(line.startsWith(`${c.rule}  `)).toBe(true);
      expect(line).toContain('(fix: ');
    });

    it(`${c.rule} stays quiet on ${c.passWhy ?? 'the base fixture'}`, () => {
      expect(findingsOf(edited(base, c.pass ?? []), c.rule).map(formatFinding)).toEqual([]);
    });
  }
});

describe('hearth check report', () => {
  const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'check-report.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const cli = join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js');

  it('the JSON report of a chart with violations validates against schemas/check-report.schema.json', () => {
    const broken = edited(base, [{ remove: { kind: 'NetworkPolicy' } }, { package: { podSecurity: 'privileged' } }]);
    const findings = runRules(broken);
    const report = reportOf([{ package: 'web', version: '0.1.0', checks: ['rules'], renders: broken.renders.length, objects: 1, unvalidated: [], skipped: [], findings }]);
    expect(report.ok).toBe(false);
    expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['hygiene.network-policy', 'pod-security.profile-justified']));
    expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the command exits 1 on a broken chart, prints one line per finding starting with the rule id, and ends with a summary', () => {
    const charts = tempDir('hearth-check-cli-');
    const files = { ...buildPackage(webPackage()).files };
    files['Chart.yaml'] = files['Chart.yaml']!.replace('artifacthub.io/license: Apache-2.0', 'artifacthub.io/license: ""');
    writeTree(join(charts, 'web'), files);
    const emptyCatalog = join(tempDir('hearth-catalog-'), 'catalog');
    mkdirSync(emptyCatalog);
    const r = spawnSync(process.execPath, [cli, '--catalog', emptyCatalog, 'check', '--charts', charts], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => /^[a-z0-9-]+\.[a-z0-9-]+ {2}/.test(l))).toEqual([expect.stringMatching(/^chart\.artifacthub-license {2}Chart\.yaml {2}annotations\["artifacthub\.io\/license"\] {2}must be an SPDX license expression .*\(fix: /)]);
    expect(lines.at(-1)).toMatch(/^hearth check: 1 violation in 1 of 1 chart \(\d+ rules, 1 render, \d+ objects\)$/);
    expect(r.stdout).not.toMatch(/\d+ passed, \d+ failed/);
  });

  it('--format json validates against the schema and names what it could not check without the package definition', () => {
    const charts = tempDir('hearth-check-cli-');
    writeTree(join(charts, 'web'), buildPackage(webPackage()).files);
    const emptyCatalog = join(tempDir('hearth-catalog-'), 'catalog');
    mkdirSync(emptyCatalog);
    const r = spawnSync(process.execPath, [cli, '--catalog', emptyCatalog, 'check', '--charts', charts, '--format', 'json'], { encoding: 'utf8' });
    const report = JSON.parse(r.stdout) as { ok: boolean; packages: { skipped: string[]; findings: unknown[] }[] };
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.packages[0]!.findings).toEqual([]);
    expect(report.packages[0]!.skipped).toEqual([expect.stringMatching(/^no package definition for 'web' in the catalog/)]);
    expect(r.status).toBe(0);
  });
});
