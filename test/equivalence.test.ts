/**
 * The equivalence property: for every package and many random schema-valid value sets,
 * `helm template` of the generated chart (Helm 3 and Helm 4) equals hearth's concrete render,
 * up to the normalisation documented in test/support/charts.ts.
 */
import { describe, expect, it } from 'vitest';
import { renderConcrete } from '../constructs/compiler/render';
import { RenderFailure } from '../constructs/expr/functions';
import { HELM_MAJORS, helmTemplate, normalise, packagesUnderTest, pool } from './support/charts';
import { sampleValues } from './support/arbitrary';

const RUNS = Number(process.env.HEARTH_EQUIVALENCE_RUNS ?? 100);
const SEED = Number(process.env.HEARTH_EQUIVALENCE_SEED ?? 20261122);
/** Release names rotate through short, long (Helm's 53-character maximum) and chart-containing ones. */
/** Random sets drawn at most per rendered set wanted. */
const MAX_DRAW_FACTOR = 8;
/** Sets the templates refuse that are also run through helm, to check it refuses them too. */
const REFUSED_SAMPLES = 20;
const RELEASES = ['release', 'a', 'prod-db-redis', 'kitchen-sink-2', 'r'.repeat(53), 'team-42'];

const packages = await packagesUnderTest();

describe('helm template equals the concrete render', () => {
  for (const built of packages) {
    const name = built.compiled.pkg.name;
    it(`${name}: defaults and ${RUNS} random value sets render identically on helm 3 and helm 4`, async () => {
      // Draw until RUNS sets render: cross-field rules (quorum bounds, backup credentials) make the
      // templates refuse many random sets; a bounded number of those checks that helm refuses too.
      const accepted: unknown[] = [{}];
      const refused: unknown[] = [];
      for (const values of sampleValues(built.compiled.schema, RUNS * MAX_DRAW_FACTOR, SEED)) {
        if (accepted.length > RUNS) break;
        try {
          renderConcrete(built.compiled, values);
          accepted.push(values);
        } catch (e) {
          if (!(e instanceof RenderFailure)) throw e;
          if (refused.length < REFUSED_SAMPLES) refused.push(values);
        }
      }
      expect(accepted.length, `only ${accepted.length - 1} of ${RUNS * MAX_DRAW_FACTOR} random value sets render`).toBe(RUNS + 1);
      const samples = [...accepted, ...refused];
      const cases = samples.flatMap((values, i) => HELM_MAJORS.map((major) => ({ values, major, release: RELEASES[i % RELEASES.length], namespace: i % 2 ? 'tenant-a' : 'default' })));
      let compared = 0;
      let rejectedByBoth = 0;
      await pool(cases, 4, async ({ values, major, release, namespace }) => {
        let expected: Record<string, unknown>[] | undefined;
        let concreteError: string | undefined;
        try {
          expected = renderConcrete(built.compiled, values, { name: release, namespace });
        } catch (e) {
          if (!(e instanceof RenderFailure)) throw e;
          concreteError = e.message;
        }
        const actual = await helmTemplate(major, built.chartDir, values, release, namespace);
        const context = `helm ${major}, release ${release}, values ${JSON.stringify(values)}`;
        if (concreteError !== undefined) {
          expect(actual.ok, `helm should fail like the concrete render (${concreteError}): ${context}`).toBe(false);
          rejectedByBoth++;
          return;
        }
        expect(actual.ok, `helm failed: ${actual.ok ? '' : actual.error}\n${context}`).toBe(true);
        if (actual.ok) expect(normalise(actual.objects), context).toEqual(normalise(expected!));
        compared++;
      });
      // eslint-disable-next-line no-console
      console.log(`equivalence ${name}: ${samples.length} value sets (defaults + ${accepted.length - 1} random that render + ${refused.length} the templates refuse) x ${HELM_MAJORS.length} helm versions = ${compared} renders compared, ${rejectedByBoth} rejected by both`);
      expect(compared + rejectedByBoth).toBe(cases.length);
    });
  }
});
