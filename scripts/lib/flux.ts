/**
 * Flux output (`hearth flux`): per package an `OCIRepository` (the chart in an OCI registry) and a
 * `HelmRelease` that installs it through `chartRef`. Names are predictable: both objects are named
 * after the release (by default the package name). Choices that protect tenants' data:
 * - stateful packages retry failed installs and upgrades (`strategy: RetryOnFailure`) instead of
 *   the default remediation, which uninstalls the release and deletes its volumes and Secrets;
 *   the others remediate by retrying and rolling back;
 * - drift detection corrects changes made behind Flux's back;
 * - schema validation is never disabled (hearth's values.schema.json is the tenant's guard rail);
 * - the chart is pinned to an exact version, or to a digest.
 */
import { stringify } from 'yaml';
import type { CompiledPackage } from '../../constructs/compiler/compile';
import { mergeValues } from '../../constructs/compiler/render';
import type { PackageKind } from '../../constructs/package';
import { isStateful } from './stateful';

/** The Helm chart layer of an OCI artifact pushed by `helm push` (or hearth's publisher). */
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
export const OCI_REPOSITORY_API = 'source.toolkit.fluxcd.io/v1';
export const HELM_RELEASE_API = 'helm.toolkit.fluxcd.io/v2';

/** How long an install or upgrade may take before Flux counts it as failed, per package kind. */
export const TIMEOUTS: Readonly<Record<PackageKind, string>> = { platform: '15m', operator: '10m', app: '10m', module: '5m' };
/** Stateful packages wait for volumes to bind and data to replicate. */
export const STATEFUL_TIMEOUT = '15m';
/** Between retries of a stateful release. */
export const RETRY_INTERVAL = '2m';
/** Retries of a stateless release before Flux gives up (each failed upgrade is rolled back). */
export const REMEDIATION_RETRIES = 3;

/** A problem with `hearth flux` options; one line naming the option and what is allowed. */
export class FluxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FluxError';
  }
}

export type VerifyProvider = 'cosign' | 'notation';
export const VERIFY_PROVIDERS: readonly VerifyProvider[] = ['cosign', 'notation'];

/** A `valuesFrom` reference: values read at reconcile time from a Secret or ConfigMap. */
export interface ValuesReference {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  /** @default 'values.yaml' (Flux's default) */
  readonly valuesKey?: string;
}

export interface FluxOptions {
  /** `oci://HOST[:PORT]/PATH`; a package's chart is at `<registry>/<name>`. */
  readonly registry: string;
  /** Namespace of the OCIRepository and HelmRelease objects. */
  readonly namespace: string;
  /** @default '10m' */
  readonly interval?: string;
  /** Pin a package's chart to a manifest digest (`sha256:...`) instead of its version, per package name. @default {} */
  readonly digests?: Readonly<Record<string, string>>;
  /** Verify the artifact's signature. @default - not verified */
  readonly verify?: { readonly provider: VerifyProvider; readonly secretRef?: string };
  /** The registry speaks plain HTTP. @default false */
  readonly insecure?: boolean;
  /** Secret with registry credentials (docker config JSON). @default - anonymous */
  readonly pullSecret?: string;
  /** Service account the release is installed as (multi-tenant lock-down). @default - the controller's */
  readonly serviceAccount?: string;
  /** Namespace of the HelmReleases named in `dependsOn`. @default - the same namespace */
  readonly dependsOnNamespace?: string;
}

/** One package to release. */
export interface FluxRelease {
  readonly compiled: CompiledPackage;
  /** User values (validated against the chart before anything is printed). @default {} */
  readonly values?: Record<string, unknown>;
  /** @default [] */
  readonly valuesFrom?: readonly ValuesReference[];
  /** HelmRelease, OCIRepository and Helm release name. @default - the package name */
  readonly releaseName?: string;
  /**
   * Namespace the release installs into.
   * @default - platform and operator packages: a namespace named after the package (dependants
   * expect them there); app and module packages: the HelmRelease's namespace
   */
  readonly targetNamespace?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const REGISTRY = /^oci:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** Checks the registry URL; returns it without a trailing slash. */
export function parseRegistry(text: string): string {
  const url = text.replace(/\/+$/, '');
  if (!REGISTRY.test(url)) {
    throw new FluxError(`--registry ${JSON.stringify(text)}: must be oci://HOST[:PORT]/PATH with a lower-case repository path (e.g. oci://localhost:5000/hearth)`);
  }
  return url;
}

/** Parses `Secret/NAME[:KEY]` or `ConfigMap/NAME[:KEY]`. */
export function parseValuesReference(text: string): ValuesReference {
  const m = /^(Secret|ConfigMap)\/([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)(?::([-._a-zA-Z0-9]{1,253}))?$/.exec(text);
  if (!m) throw new FluxError(`--values-from ${JSON.stringify(text)}: must be Secret/NAME[:KEY] or ConfigMap/NAME[:KEY] (KEY defaults to values.yaml)`);
  return { kind: m[1] as ValuesReference['kind'], name: m[2], ...(m[4] ? { valuesKey: m[4] } : {}) };
}

/** Parses `--digest [PACKAGE=]sha256:...`; a bare digest applies to the only package. */
export function parseDigests(texts: readonly string[], packages: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    const name = eq < 0 ? (packages.length === 1 ? packages[0] : undefined) : text.slice(0, eq);
    const digest = eq < 0 ? text : text.slice(eq + 1);
    if (name === undefined) throw new FluxError(`--digest ${JSON.stringify(text)}: name the package (PACKAGE=sha256:...) when releasing several packages`);
    if (!packages.includes(name)) throw new FluxError(`--digest ${JSON.stringify(text)}: '${name}' is not one of the packages released (${packages.join(', ')})`);
    if (!DIGEST.test(digest)) throw new FluxError(`--digest ${JSON.stringify(text)}: must be sha256: followed by 64 lower-case hex digits (the chart's manifest digest in the registry)`);
    out[name] = digest;
  }
  return out;
}

function checkOptions(options: FluxOptions): void {
  if (!DNS_LABEL.test(options.namespace)) throw new FluxError(`--namespace ${JSON.stringify(options.namespace)}: must be a DNS label (lower case, digits, '-', at most 63 characters)`);
  if (options.dependsOnNamespace !== undefined && !DNS_LABEL.test(options.dependsOnNamespace)) {
    throw new FluxError(`--depends-on-namespace ${JSON.stringify(options.dependsOnNamespace)}: must be a DNS label`);
  }
  if (options.interval !== undefined && !DURATION.test(options.interval)) throw new FluxError(`--interval ${JSON.stringify(options.interval)}: must be a duration such as 10m or 1h30m`);
  if (options.verify && !VERIFY_PROVIDERS.includes(options.verify.provider)) {
    throw new FluxError(`--verify-provider ${JSON.stringify(options.verify.provider)}: must be one of ${VERIFY_PROVIDERS.join(', ')}`);
  }
  // Notation needs the trust policy and certificates; keyless cosign needs OIDC identities hearth does not know.
  if (options.verify && !options.verify.secretRef) throw new FluxError(`--verify-provider ${options.verify.provider}: needs --verify-secret NAME (the Secret holding the public keys or trust policy)`);
  for (const [flag, value] of [['--pull-secret', options.pullSecret], ['--service-account', options.serviceAccount], ['--verify-secret', options.verify?.secretRef]] as const) {
    if (value !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) throw new FluxError(`${flag} ${JSON.stringify(value)}: must be an object name (lower case, digits, '-', '.')`);
  }
}

/** Packages in install order: every package after the packages it depends on (ties by name). */
export function inDependencyOrder<T extends { readonly compiled: CompiledPackage }>(items: readonly T[]): T[] {
  const byName = new Map(items.map((i) => [i.compiled.pkg.name, i]));
  const done = new Set<string>();
  const out: T[] = [];
  const visiting: string[] = [];
  const visit = (item: T) => {
    const name = item.compiled.pkg.name;
    if (done.has(name)) return;
    if (visiting.includes(name)) throw new FluxError(`packages depend on each other in a cycle: ${[...visiting.slice(visiting.indexOf(name)), name].join(' → ')}`);
    visiting.push(name);
    for (const dep of [...item.compiled.pkg.dependsOn].sort()) {
      const found = byName.get(dep);
      if (found) visit(found);
    }
    visiting.pop();
    done.add(name);
    out.push(item);
  };
  for (const item of [...items].sort((a, b) => (a.compiled.pkg.name < b.compiled.pkg.name ? -1 : 1))) visit(item);
  return out;
}

function defaultTargetNamespace(kind: PackageKind, name: string): string | undefined {
  return kind === 'platform' || kind === 'operator' ? name : undefined;
}

/** The OCIRepository and HelmRelease of one package. */
export function fluxObjectsOf(release: FluxRelease, options: FluxOptions): Record<string, unknown>[] {
  checkOptions(options);
  const registry = parseRegistry(options.registry);
  const { compiled } = release;
  const { pkg } = compiled;
  const name = release.releaseName ?? pkg.name;
  if (!DNS_LABEL.test(name) || name.length > 53) throw new FluxError(`--release ${JSON.stringify(name)}: must be a DNS label of at most 53 characters (Helm's limit for release names)`);
  const targetNamespace = release.targetNamespace ?? defaultTargetNamespace(pkg.kind, pkg.name);
  if (targetNamespace !== undefined && !DNS_LABEL.test(targetNamespace)) throw new FluxError(`--target-namespace ${JSON.stringify(targetNamespace)}: must be a DNS label`);
  const values = release.values ?? {};
  // Refuse bad values here, in one line, rather than as a failed reconcile in the cluster.
  mergeValues(compiled, structuredClone(values), `values for ${pkg.name}`);
  const digest = options.digests?.[pkg.name];
  const interval = options.interval ?? '10m';
  const stateful = isStateful(compiled);
  const timeout = stateful && pkg.kind === 'app' ? STATEFUL_TIMEOUT : TIMEOUTS[pkg.kind];
  const metadata = { name, namespace: options.namespace, labels: { 'hearth.dev/package': pkg.name } };

  const ociRepository = {
    apiVersion: OCI_REPOSITORY_API,
    kind: 'OCIRepository',
    metadata,
    spec: {
      interval,
      url: `${registry}/${pkg.name}`,
      ref: digest ? { digest } : { semver: pkg.version },
      layerSelector: { mediaType: HELM_CHART_LAYER, operation: 'copy' },
      ...(options.verify ? { verify: { provider: options.verify.provider, secretRef: { name: options.verify.secretRef } } } : {}),
      ...(options.pullSecret ? { secretRef: { name: options.pullSecret } } : {}),
      ...(options.insecure ? { insecure: true } : {}),
    },
  };

  const retry = { strategy: { name: 'RetryOnFailure', retryInterval: RETRY_INTERVAL } };
  const helmRelease = {
    apiVersion: HELM_RELEASE_API,
    kind: 'HelmRelease',
    metadata: structuredClone(metadata),
    spec: {
      interval,
      releaseName: name,
      chartRef: { kind: 'OCIRepository', name },
      ...(targetNamespace !== undefined && targetNamespace !== options.namespace ? { targetNamespace } : {}),
      ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}),
      ...(pkg.dependsOn.length
        ? { dependsOn: pkg.dependsOn.map((dep) => ({ name: dep, ...(options.dependsOnNamespace && options.dependsOnNamespace !== options.namespace ? { namespace: options.dependsOnNamespace } : {}) })) }
        : {}),
      install: {
        timeout,
        ...(targetNamespace !== undefined && targetNamespace !== options.namespace ? { createNamespace: true } : {}),
        ...(stateful ? retry : { remediation: { retries: REMEDIATION_RETRIES } }),
      },
      upgrade: {
        timeout,
        ...(stateful ? retry : { cleanupOnFail: true, remediation: { retries: REMEDIATION_RETRIES, strategy: 'rollback' } }),
      },
      driftDetection: { mode: 'enabled' },
      ...(release.valuesFrom?.length ? { valuesFrom: release.valuesFrom.map((v) => ({ ...v })) } : {}),
      ...(Object.keys(values).length ? { values } : {}),
    },
  };
  return [ociRepository, helmRelease];
}

/** Every release's objects, in dependency order. */
export function fluxObjects(releases: readonly FluxRelease[], options: FluxOptions): Record<string, unknown>[] {
  const names = releases.map((r) => r.releaseName ?? r.compiled.pkg.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new FluxError(`release name '${duplicate}' is used twice`);
  return inDependencyOrder(releases).flatMap((r) => fluxObjectsOf(r, options));
}

/** The objects as one YAML stream with a generated marker. */
export function fluxYaml(objects: readonly Record<string, unknown>[], source: string): string {
  const header = `# Generated by hearth flux from ${source}. Do not edit: re-run hearth flux.\n`;
  return header + objects.map((o) => `---\n${stringify(o, { lineWidth: 0, version: '1.1', aliasDuplicateObjects: false })}`).join('');
}
