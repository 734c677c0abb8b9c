/**
 * `hearth versions`: where every package stands against the version lock (without building), and
 * `--rerecord NAME` for the one legitimate edit of a locked entry: a version that was never published.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadCatalog } from '../lib/catalog';
import { buildPackage } from '../lib/build';
import { checkVersions, LOCK_FILE, readLock, rerecord, writeLock } from '../lib/versions';
import { collect, type GlobalOptions } from './shared';

export function register(program: Command): void {
  program
    .command('versions')
    .description('show each package against the version lock: unchanged, new version, or the bump a change requires')
    .option('--lock <file>', `version lock file (default: ${LOCK_FILE} in the catalog folder)`)
    .option('--rerecord <name>', "re-record a package's current version as it is now (only for a version never published; repeatable)", collect, [])
    .action(async (options: { lock?: string; rerecord: string[] }) => {
      const catalogDir = resolve((program.opts() as GlobalOptions).catalog);
      const lockFile = resolve(options.lock ?? join(catalogDir, LOCK_FILE));
      const built = (await loadCatalog(catalogDir)).map(buildPackage);
      let lock = readLock(lockFile);
      if (options.rerecord.length) {
        const selected = await loadCatalog(catalogDir, options.rerecord);
        for (const loaded of selected) lock = rerecord(lock, built.find((b) => b.loaded.pkg.name === loaded.pkg.name)!);
        writeLock(lockFile, lock);
      }
      const locked = (name: string) => Object.keys(lock.packages[name] ?? {}).join(', ') || '-';
      for (const { name, version, status } of checkVersions(lock, built).statuses) {
        const state =
          status.kind === 'unchanged' ? 'unchanged'
          : status.kind === 'recorded' && status.draft ? 'changed since it was recorded, before its release; hearth build records it again'
          : status.kind === 'recorded' ? `new version${status.from ? ` (${status.bump} bump from ${status.from})` : ''}; hearth build records it`
          : status.message.slice(`${name} ${version}: `.length);
        process.stdout.write(`${name} ${version}: ${state} [locked: ${locked(name)}]\n`);
      }
    });
}
