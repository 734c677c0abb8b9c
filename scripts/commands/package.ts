/** `hearth package`: reproducible `<name>-<version>.tgz` for every chart in charts-out/. */
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { PROJECT_ROOT } from '../lib/catalog';
import { chartArchives, writeArchive } from '../lib/archive';
import { collect } from './shared';

export function register(program: Command): void {
  program
    .command('package')
    .description('write a byte-reproducible <name>-<version>.tgz for every chart (prints sha256sum lines)')
    .option('--out <dir>', 'folder for the archives', join(PROJECT_ROOT, 'dist'))
    .option('--charts <dir>', 'folder holding the built charts', join(PROJECT_ROOT, 'charts-out'))
    .option('-p, --package <name>', 'only this chart (repeatable)', collect, [])
    .action(async (options: { out: string; charts: string; package: string[] }) => {
      const archives = await chartArchives(resolve(options.charts), options.package);
      let written = 0;
      for (const archive of archives) {
        const file = writeArchive(resolve(options.out), archive);
        if (file.written) written++;
        // The same format as sha256sum, so `sha256sum -c` can check the folder later.
        process.stdout.write(`${file.sha256}  ${relative(process.cwd(), file.path) || file.path}\n`);
      }
      process.stderr.write(`packaged ${archives.length} chart(s): ${written} written, ${archives.length - written} unchanged\n`);
    });
}
