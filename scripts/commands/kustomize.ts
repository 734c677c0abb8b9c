/** `hearth kustomize`: a package rendered with values into a kustomize base folder. */
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { compilePackage } from '../../constructs/compiler/compile';
import { loadCatalog } from '../lib/catalog';
import { kustomizeBase, readKustomizeBase, writeKustomizeBase } from '../lib/kustomize';
import { userValues } from '../lib/values-files';
import { collect, type GlobalOptions } from './shared';

export function register(program: Command): void {
  program
    .command('kustomize')
    .description('render a package with values into a kustomize base (one file per object + kustomization.yaml)')
    .argument('<package>', 'package name')
    .requiredOption('--out <dir>', 'folder to write the base into (created; only hearth-generated files are replaced)')
    .option('-f, --values <file>', 'values file (repeatable; later files win)', collect, [])
    .option('--set <key=value>', 'set a value, Helm syntax (repeatable)', collect, [])
    .option('--release <name>', 'release name the objects are named after', 'release')
    .option('-n, --namespace <ns>', 'namespace of the objects', 'default')
    .action(async (name: string, options: { out: string; values: string[]; set: string[]; release: string; namespace: string }) => {
      const [loaded] = await loadCatalog(resolve((program.opts() as GlobalOptions).catalog), [name]);
      const out = resolve(options.out);
      const release = { name: options.release, namespace: options.namespace };
      const files = kustomizeBase(compilePackage(loaded.pkg), userValues(options.values, options.set), release, readKustomizeBase(out));
      const result = writeKustomizeBase(out, files);
      process.stderr.write(`wrote ${result.written} file(s) to ${relative(process.cwd(), out) || '.'}${result.removed ? `, removed ${result.removed} stale` : ''}\n`);
    });
}
