/** `hearth build`: every package → charts-out/<name>/, index.json and the manifest, checked against the version lock. */
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadCatalog, PROJECT_ROOT } from '../lib/catalog';
import { buildPackage, writeOutput } from '../lib/build';
import { checkVersions, LOCK_FILE, readLock, serializeLock, VersionError, writeLock } from '../lib/versions';
import { collect, type GlobalOptions } from './shared';

export function register(program: Command): void {
  program
    .command('build')
    .description('compile every package into charts-out/<name>/ and write charts-out/index.json; refuse content changes without a version bump')
    .option('--out <dir>', 'output folder', join(PROJECT_ROOT, 'charts-out'))
    .option('-p, --package <name>', 'only this package (repeatable; the index then lists only these)', collect, [])
    .option('--lock <file>', `version lock file (default: ${LOCK_FILE} in the catalog folder)`)
    .option('--frozen-lock', 'fail instead of recording new versions in the lock (for CI)', false)
    .action(async (options: { out: string; package: string[]; lock?: string; frozenLock: boolean }) => {
      const started = process.hrtime.bigint();
      const catalogDir = resolve((program.opts() as GlobalOptions).catalog);
      const loaded = await loadCatalog(catalogDir, options.package);
      const built = loaded.map((l, i) => {
        const b = buildPackage(l);
        process.stderr.write(`[${i + 1}/${loaded.length}] ${l.pkg.name} ${l.pkg.version}: ${Object.keys(b.files).length} files\n`);
        return b;
      });
      // Versions first: content that is not versioned correctly is never written.
      const lockFile = resolve(options.lock ?? join(catalogDir, LOCK_FILE));
      const lock = readLock(lockFile);
      const check = checkVersions(lock, built);
      if (check.problems.length) throw new VersionError(check.problems);
      const recorded = check.statuses.filter((s) => s.status.kind === 'recorded');
      if (options.frozenLock && serializeLock(check.lock) !== serializeLock(lock)) {
        const where = relative(process.cwd(), lockFile) || lockFile;
        const lines = recorded.map((s) => `${s.name} ${s.version}: not recorded in ${where} (--frozen-lock); run hearth build and commit the lock`);
        throw new VersionError(lines.length ? lines : [`${where}: not in the form hearth writes (--frozen-lock); run hearth build and commit the lock`]);
      }
      const result = writeOutput(resolve(options.out), built);
      if (writeLock(lockFile, check.lock)) {
        for (const s of recorded) {
          if (s.status.kind !== 'recorded') continue;
          const from = s.status.from ? ` (${s.status.bump} bump from ${s.status.from})` : '';
          const draft = s.status.draft ? ' again (its entry was recorded before the version was released)' : '';
          process.stderr.write(`versions: recorded ${s.name} ${s.version}${from}${draft}\n`);
        }
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      process.stderr.write(`built ${built.length} package(s) in ${ms.toFixed(0)} ms: ${result.written} written, ${result.unchanged} unchanged, ${result.removed} removed\n`);
    });
}
