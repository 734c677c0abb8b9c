/** `hearth build`: every package → charts-out/<name>/, index.json and the manifest. */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadCatalog, PROJECT_ROOT } from '../lib/catalog';
import { buildPackage, writeOutput } from '../lib/build';
import { collect, type GlobalOptions } from './shared';

export function register(program: Command): void {
  program
    .command('build')
    .description('compile every package into charts-out/<name>/ and write charts-out/index.json')
    .option('--out <dir>', 'output folder', join(PROJECT_ROOT, 'charts-out'))
    .option('-p, --package <name>', 'only this package (repeatable; the index then lists only these)', collect, [])
    .action(async (options: { out: string; package: string[] }) => {
      const started = process.hrtime.bigint();
      const loaded = await loadCatalog(resolve((program.opts() as GlobalOptions).catalog), options.package);
      const built = loaded.map((l, i) => {
        const b = buildPackage(l);
        process.stderr.write(`[${i + 1}/${loaded.length}] ${l.pkg.name} ${l.pkg.version}: ${Object.keys(b.files).length} files\n`);
        return b;
      });
      const result = writeOutput(resolve(options.out), built);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      process.stderr.write(`built ${built.length} package(s) in ${ms.toFixed(0)} ms: ${result.written} written, ${result.unchanged} unchanged, ${result.removed} removed\n`);
    });
}
