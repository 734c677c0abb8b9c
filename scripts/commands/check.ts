/** `hearth check`: the conformance and security gates over the generated charts. */
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { PROJECT_ROOT } from '../lib/catalog';
import { DEFAULT_SAMPLES, DEFAULT_SEED, runCheck } from '../lib/check';
import { RULES } from '../lib/rules';
import { collect, type GlobalOptions } from './shared';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new InvalidArgumentError('must be a whole number from 0 to 10000');
  return n;
}

export function register(program: Command): void {
  program
    .command('check')
    .description('conformance and security gates: helm lint/template on helm 3 and 4, then every rule over the chart and its renders')
    .option('--charts <dir>', 'generated charts folder', join(PROJECT_ROOT, 'charts-out'))
    .option('-p, --package <name>', 'only this package (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'report format (json: schemas/check-report.schema.json)').choices(['text', 'json']).default('text'))
    .option('--samples <n>', 'random value sets rendered per package', count, DEFAULT_SAMPLES)
    .option('--seed <n>', 'seed of the random value sets', count, DEFAULT_SEED)
    .option('--list-rules', 'print every rule with its rationale and fix, and exit')
    .action(async (options: { charts: string; package: string[]; format: 'text' | 'json'; samples: number; seed: number; listRules?: boolean }) => {
      if (options.listRules) {
        const rules = RULES.map(({ id, rationale, fix }) => ({ id, rationale, fix }));
        process.stdout.write(options.format === 'json' ? `${JSON.stringify(rules, null, 2)}\n` : `${rules.map((r) => `${r.id}\n  why: ${r.rationale}\n  fix: ${r.fix}`).join('\n')}\n`);
        return;
      }
      process.exitCode = await runCheck({
        chartsDir: resolve(options.charts),
        catalogDir: resolve((program.opts() as GlobalOptions).catalog),
        packages: options.package,
        format: options.format,
        samples: options.samples,
        seed: options.seed,
      });
    });
}
