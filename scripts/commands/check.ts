/** `hearth check`: the conformance and security gates over the generated charts. */
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { PROJECT_ROOT } from '../lib/catalog';
import { runCheck } from '../lib/check';
import { collect, type GlobalOptions } from './shared';

export function register(program: Command): void {
  program
    .command('check')
    .description('lint, render and validate every generated chart with helm 3 and helm 4')
    .option('--charts <dir>', 'generated charts folder', join(PROJECT_ROOT, 'charts-out'))
    .option('-p, --package <name>', 'only this package (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (options: { charts: string; package: string[]; format: 'text' | 'json' }) => {
      process.exitCode = await runCheck({
        chartsDir: resolve(options.charts),
        catalogDir: resolve((program.opts() as GlobalOptions).catalog),
        packages: options.package,
        format: options.format,
      });
    });
}
