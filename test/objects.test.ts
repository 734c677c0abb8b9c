/**
 * Every object of every render — defaults and sampled value sets — is a valid Kubernetes object:
 * built-in kinds against the Kubernetes OpenAPI schema, custom resources against their upstream
 * CRDs (read from $HEARTH_CRDS, default ../shared/crds; skipped with the reason when absent).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConcrete } from '../constructs/compiler/render';
import { RenderFailure } from '../constructs/expr/functions';
import { crdDirectory, validateObjects } from '../constructs/validation/objects';
import { PROJECT_ROOT } from '../scripts/lib/catalog';
import { sampleValues } from './support/arbitrary';
import { packagesUnderTest } from './support/charts';

const SAMPLES = Number(process.env.HEARTH_OBJECT_SAMPLES ?? 100);
const crds = crdDirectory();
const packages = await packagesUnderTest();

/** The objects of the defaults and of sampled value sets (sets the templates refuse are skipped). */
function* renders(built: (typeof packages)[number], seed: number): Generator<{ values: unknown; objects: Record<string, unknown>[] }> {
  for (const [i, values] of [{}, ...sampleValues(built.compiled.schema, SAMPLES, seed)].entries()) {
    try {
      yield { values, objects: renderConcrete(built.compiled, values, { name: `r${i}` }) };
    } catch (e) {
      if (!(e instanceof RenderFailure)) throw e;
    }
  }
}

describe('rendered objects', () => {
  for (const built of packages) {
    const name = built.compiled.pkg.name;
    it(`${name}: defaults and ${SAMPLES} sampled value sets render only valid built-in objects`, () => {
      let checked = 0;
      for (const { values, objects } of renders(built, 7)) {
        const report = validateObjects(objects, { crdDir: join(crds.dir, 'absent-on-purpose') });
        expect(report.problems, JSON.stringify(values)).toEqual([]);
        checked += objects.length;
      }
      expect(checked).toBeGreaterThan(0);
    });

    it.skipIf(!crds.exists)(`${name}: every custom resource validates against its upstream CRD (CRDs from ${crds.exists ? '$HEARTH_CRDS or ../shared/crds' : 'a missing folder: set HEARTH_CRDS'})`, () => {
      let customResources = 0;
      for (const { values, objects } of renders(built, 11)) {
        const report = validateObjects(objects);
        expect(report.problems, JSON.stringify(values)).toEqual([]);
        expect(report.unvalidated, 'every object must be validated').toEqual([]);
        customResources += objects.filter((o) => !/^(v1|apps\/v1|networking\.k8s\.io\/v1|policy\/v1|batch\/v1|rbac\.authorization\.k8s\.io\/v1)$/.test(String(o.apiVersion))).length;
      }
      if (name === 'redis') expect(customResources).toBeGreaterThan(SAMPLES);
    });
  }
});

describe('hearth check', () => {
  it('passes on every package of the catalog and reports JSON', () => {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js'), 'check', '--format', 'json'], { encoding: 'utf8' });
    const report = JSON.parse(r.stdout) as { ok: boolean; packages: { package: string; findings: unknown[]; objects: number }[] };
    expect(report.packages.map((p) => p.findings)).toEqual(report.packages.map(() => []));
    expect(report.ok).toBe(true);
    expect(r.status).toBe(0);
    expect(report.packages.map((p) => p.package)).toContain('redis');
  });

  it('fails with a finding naming the object and field when a rendered object is invalid', () => {
    const report = validateObjects([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two', selector: {}, template: {} } }]);
    expect(report.problems).toContainEqual(expect.objectContaining({ object: 'Deployment/x', path: 'spec.replicas' }));
  });

  it('names a missing chart and lists the available ones', () => {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js'), 'check', '--package', 'nosuch'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/^hearth: no chart 'nosuch' in .*; available: .*redis/);
  });
});
