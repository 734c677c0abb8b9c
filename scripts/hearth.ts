#!/usr/bin/env node
/**
 * The `hearth` command: build the catalog into Helm charts, render a package concretely, check
 * every chart with the real helm binaries.
 */
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { compilePackage } from '../constructs/compiler/compile';
import { renderConcrete } from '../constructs/compiler/render';
import { loadCatalog, PROJECT_ROOT } from './lib/catalog';
import { buildPackage, writeOutput } from './lib/build';
import { userValues } from './lib/values-files';
import { reportError } from './lib/errors';

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command()
  .name('hearth')
  .description('Typed packages → versioned Helm charts, checked with real helm.')
  .option('--catalog <dir>', 'catalog folder', join(PROJECT_ROOT, 'catalog'))
  .showHelpAfterError();

program
  .command('build')
  .description('compile every package into charts-out/<name>/ and write charts-out/index.json')
  .option('--out <dir>', 'output folder', join(PROJECT_ROOT, 'charts-out'))
  .option('-p, --package <name>', 'only this package (repeatable; the index then lists only these)', collect, [])
  .action(async (options: { out: string; package: string[] }) => {
    const started = process.hrtime.bigint();
    const loaded = await loadCatalog(resolve(program.opts().catalog), options.package);
    const built = loaded.map((l, i) => {
      const b = buildPackage(l);
      process.stderr.write(`[${i + 1}/${loaded.length}] ${l.pkg.name} ${l.pkg.version}: ${Object.keys(b.files).length} files\n`);
      return b;
    });
    const result = writeOutput(resolve(options.out), built);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stderr.write(`built ${built.length} package(s) in ${ms.toFixed(0)} ms: ${result.written} written, ${result.unchanged} unchanged, ${result.removed} removed\n`);
  });

program
  .command('render')
  .description('render a package with values into plain manifests (what helm template would print)')
  .argument('<package>', 'package name')
  .option('-f, --values <file>', 'values file (repeatable; later files win)', collect, [])
  .option('--set <key=value>', 'set a value, Helm syntax (repeatable)', collect, [])
  .option('--release <name>', 'release name', 'release')
  .option('-n, --namespace <ns>', 'release namespace', 'default')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
  .action(async (name: string, options: { values: string[]; set: string[]; release: string; namespace: string; output: string }) => {
    const [loaded] = await loadCatalog(resolve(program.opts().catalog), [name]);
    const compiled = compilePackage(loaded.pkg);
    const objects = renderConcrete(compiled, userValues(options.values, options.set), { name: options.release, namespace: options.namespace });
    if (options.output === 'json') process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
    else process.stdout.write(objects.map((o) => `---\n${stringify(o, { lineWidth: 0, version: '1.1' })}`).join(''));
  });

program
  .command('check')
  .description('lint, render and validate every generated chart with helm 3 and helm 4')
  .option('--charts <dir>', 'generated charts folder', join(PROJECT_ROOT, 'charts-out'))
  .option('-p, --package <name>', 'only this package (repeatable)', collect, [])
  .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
  .action(async (options: { charts: string; package: string[]; format: 'text' | 'json' }) => {
    const { runCheck } = await import('./lib/check');
    process.exitCode = await runCheck({ chartsDir: resolve(options.charts), catalogDir: resolve(program.opts().catalog), packages: options.package, format: options.format });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${reportError(error)}\n`);
  process.exitCode = 1;
});
