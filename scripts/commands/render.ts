/** `hearth render`: concrete mode, the manifests `helm template` would print. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import { compilePackage } from '../../constructs/compiler/compile';
import { renderConcrete } from '../../constructs/compiler/render';
import { loadCatalog } from '../lib/catalog';
import { userValues } from '../lib/values-files';
import { collect, type GlobalOptions } from './shared';

export function register(program: Command): void {
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
      const [loaded] = await loadCatalog(resolve((program.opts() as GlobalOptions).catalog), [name]);
      const compiled = compilePackage(loaded.pkg);
      const objects = renderConcrete(compiled, userValues(options.values, options.set), { name: options.release, namespace: options.namespace });
      if (options.output === 'json') process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
      else process.stdout.write(objects.map((o) => `---\n${stringify(o, { lineWidth: 0, version: '1.1' })}`).join(''));
    });
}
