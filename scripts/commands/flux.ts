/** `hearth flux`: OCIRepository + HelmRelease for one package, the platform layer, or the whole catalog. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { compilePackage } from '../../constructs/compiler/compile';
import { loadCatalog } from '../lib/catalog';
import { FluxError, fluxObjects, fluxYaml, parseDigests, parseValuesReference, type FluxRelease, type VerifyProvider } from '../lib/flux';
import { userValues } from '../lib/values-files';
import { collect, type GlobalOptions } from './shared';

interface FluxCommandOptions {
  registry: string;
  all: boolean;
  values: string[];
  set: string[];
  namespace: string;
  release?: string;
  targetNamespace?: string;
  digest: string[];
  verifyProvider?: string;
  verifySecret?: string;
  insecure: boolean;
  pullSecret?: string;
  serviceAccount?: string;
  valuesFrom: string[];
  dependsOnNamespace?: string;
  interval?: string;
}

export function register(program: Command): void {
  program
    .command('flux')
    .description('print Flux objects (OCIRepository + HelmRelease) that install a package, every platform package, or --all')
    .argument('[target]', "a package name, or 'platform' for every package of kind platform (in dependency order)")
    .requiredOption('--registry <url>', 'OCI registry and path the charts are pushed to, e.g. oci://localhost:5000/hearth')
    .option('--all', 'every package of the catalog, in dependency order', false)
    .option('-f, --values <file>', 'values file (repeatable); with several packages it maps package name → values', collect, [])
    .option('--set <key=value>', 'set a value, Helm syntax (repeatable); with several packages prefix the package name', collect, [])
    .option('-n, --namespace <ns>', 'namespace of the Flux objects', 'flux-system')
    .option('--release <name>', 'release name (one package only; default: the package name)')
    .option('--target-namespace <ns>', 'namespace the release installs into (one package only)')
    .option('--digest <[package=]sha256:...>', "pin the chart to its manifest digest in the registry instead of its version (repeatable)", collect, [])
    .option('--verify-provider <provider>', 'verify the chart signature: cosign or notation')
    .option('--verify-secret <name>', 'Secret with the public keys (cosign) or trust policy and certificates (notation)')
    .option('--insecure', 'the registry speaks plain HTTP', false)
    .option('--pull-secret <name>', 'Secret with registry credentials')
    .option('--service-account <name>', 'service account the release is installed as')
    .option('--values-from <Kind/name[:key]>', 'merge values from a Secret or ConfigMap at reconcile time (one package only; repeatable)', collect, [])
    .option('--depends-on-namespace <ns>', 'namespace of the HelmReleases this one depends on (default: the same namespace)')
    .option('--interval <duration>', 'reconcile interval', '10m')
    .action(async (target: string | undefined, options: FluxCommandOptions) => {
      const catalogDir = resolve((program.opts() as GlobalOptions).catalog);
      if (!target && !options.all) throw new FluxError("name a package, 'platform', or use --all");
      if (target && options.all) throw new FluxError(`--all releases every package; do not name one (got '${target}')`);
      const catalog = await loadCatalog(catalogDir);
      let selected = catalog;
      if (target === 'platform' && !catalog.some((l) => l.pkg.name === 'platform')) {
        selected = catalog.filter((l) => l.pkg.kind === 'platform');
        if (!selected.length) throw new FluxError('the catalog has no package of kind platform');
      } else if (target) {
        selected = await loadCatalog(catalogDir, [target]);
      }
      const single = selected.length === 1 && Boolean(target) && target !== 'platform';
      for (const [flag, value] of [['--release', options.release], ['--target-namespace', options.targetNamespace]] as const) {
        if (value !== undefined && !single) throw new FluxError(`${flag} applies to one package only; name the package`);
      }
      if (options.valuesFrom.length && !single) throw new FluxError('--values-from applies to one package only; name the package');
      const names = selected.map((l) => l.pkg.name);
      const given = userValues(options.values, options.set);
      if (!single) {
        const unknown = Object.keys(given).filter((k) => !names.includes(k));
        if (unknown.length) throw new FluxError(`values for several packages are keyed by package name; '${unknown[0]}' is not one of ${names.join(', ')}`);
      }
      const releases: FluxRelease[] = selected.map((l) => ({
        compiled: compilePackage(l.pkg),
        values: (single ? given : ((given[l.pkg.name] as Record<string, unknown> | undefined) ?? {})),
        valuesFrom: options.valuesFrom.map(parseValuesReference),
        ...(options.release ? { releaseName: options.release } : {}),
        ...(options.targetNamespace ? { targetNamespace: options.targetNamespace } : {}),
      }));
      if ((options.verifySecret !== undefined) !== (options.verifyProvider !== undefined)) {
        throw new FluxError('--verify-provider and --verify-secret go together (the provider checks signatures with the keys in the Secret)');
      }
      const objects = fluxObjects(releases, {
        registry: options.registry,
        namespace: options.namespace,
        interval: options.interval,
        digests: parseDigests(options.digest, names),
        ...(options.verifyProvider ? { verify: { provider: options.verifyProvider as VerifyProvider, secretRef: options.verifySecret } } : {}),
        insecure: options.insecure,
        ...(options.pullSecret ? { pullSecret: options.pullSecret } : {}),
        ...(options.serviceAccount ? { serviceAccount: options.serviceAccount } : {}),
        ...(options.dependsOnNamespace ? { dependsOnNamespace: options.dependsOnNamespace } : {}),
      });
      process.stdout.write(fluxYaml(objects, `catalog/ (${selected.map((l) => `${l.pkg.name} ${l.pkg.version}`).join(', ')})`));
    });
}
