/**
 * The package contract: one typed definition per catalog package. Everything else (chart, schema,
 * docs, catalog entry, tests) is derived from it.
 */
import type { Construct } from 'constructs';
import * as semver from 'semver';
import type { Static, TObject } from '@sinclair/typebox';
import type { Ref } from './expr/refs';
import type { BuildContext } from './compiler/context';
import { lintValuesSchema } from './values/derive';
import { DNS_LABEL_PATTERN, toPlainSchema } from './values/schema';

export type PackageKind = 'platform' | 'operator' | 'app' | 'module';
export const PACKAGE_KINDS: readonly PackageKind[] = ['platform', 'operator', 'app', 'module'];

/** Pod Security Standards profile the package's pods meet. */
export type PodSecurityProfile = 'restricted' | 'baseline' | 'privileged';

export interface Maintainer {
  readonly name: string;
  /** @default - none */
  readonly email?: string;
  /** @default - none */
  readonly url?: string;
}

/** A container image the chart can render, listed in `artifacthub.io/images`. */
export interface ImageRef {
  /** Short name used in docs and the catalog (e.g. `redis-v8`). */
  readonly name: string;
  /** Full reference with a pinned tag or digest (never `latest`). */
  readonly image: string;
}

export interface PackageProps<S extends TObject> {
  /** Chart name: a DNS label, at most 40 characters (leaves room for release-scoped names). */
  readonly name: string;
  /** Chart version: strict semver without build metadata. */
  readonly version: string;
  readonly kind: PackageKind;
  /** Catalog category (IaaS, PaaS, NaaS, Administration, or a platform layer). */
  readonly category: string;
  /** One sentence for the catalog card and Chart.yaml. */
  readonly description: string;
  /** SVG file name inside the package folder. */
  readonly icon: string;
  readonly keywords: readonly string[];
  readonly maintainers: readonly Maintainer[];
  /** Version of the software the chart installs. */
  readonly appVersion: string;
  /** Kubernetes versions the chart supports (a semver range, e.g. `>=1.29.0-0`). */
  readonly kubeVersion: string;
  /** Every image the chart can render. */
  readonly images: readonly ImageRef[];
  /**
   * Other catalog packages that must be installed first (Flux `dependsOn`).
   * @default []
   */
  readonly dependsOn?: readonly string[];
  /** The values schema (TypeBox, through `v`). */
  readonly values: S;
  /** Builds the package's objects from value expressions. */
  readonly build: (scope: Construct, values: Ref<Static<S>>, ctx: BuildContext) => void;
  /**
   * SPDX license of the chart.
   * @default 'Apache-2.0'
   */
  readonly license?: string;
  /**
   * Project home page.
   * @default - none
   */
  readonly home?: string;
  /**
   * Source repositories of the installed software.
   * @default []
   */
  readonly sources?: readonly string[];
  /**
   * Pod Security profile the chart's pods meet.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityProfile;
  /**
   * Why the package needs a profile weaker than `restricted` (required when it does).
   * @default - none
   */
  readonly podSecurityJustification?: string;
  /**
   * Namespaces besides the release namespace that the chart's objects may be placed in or refer to
   * (e.g. a CNI's `kube-system`). Only platform packages may list any; `hearth check` refuses other
   * hard-coded namespaces.
   * @default []
   */
  readonly allowedNamespaces?: readonly string[];
  /**
   * Why the package's own pods need a Kubernetes API token (e.g. an operator's controller). Without
   * it `hearth check` requires every pod to run without one (automountServiceAccountToken: false);
   * pods an operator creates that need the API by the operator's design are known to the check.
   * @default - none: no pod of the package mounts a token
   */
  readonly serviceAccountToken?: string;
  /**
   * Order of the top-level keys in the catalog form.
   * @default - the schema's declaration order
   */
  readonly keysOrder?: readonly string[];
  /**
   * The package keeps data that a failed install must not delete (volumes, credentials). Flux
   * output then retries failed installs and upgrades instead of remediating them by uninstalling.
   * @default - detected from renders of the defaults and sample values: a PersistentVolumeClaim,
   * a StatefulSet with volume claim templates, or a custom resource declaring persistent storage
   */
  readonly stateful?: boolean;
}

export interface PackageDefinition<S extends TObject = TObject> extends PackageProps<S> {
  readonly dependsOn: readonly string[];
  readonly license: string;
  readonly sources: readonly string[];
  readonly podSecurity: PodSecurityProfile;
  readonly allowedNamespaces: readonly string[];
}

/** A package definition with problems; the message lists every problem at once. */
export class PackageError extends Error {
  constructor(readonly problems: readonly string[], where = 'package') {
    super(`${where}: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

const MAX_CHART_NAME = 40;
const dnsLabel = new RegExp(DNS_LABEL_PATTERN);

/** Every problem with a package definition's metadata and schema. */
export function packageProblems(props: PackageProps<TObject>): string[] {
  const problems: string[] = [];
  const field = (name: string, ok: boolean, message: string) => {
    if (!ok) problems.push(`${name}: ${message}`);
  };
  field('name', typeof props.name === 'string' && dnsLabel.test(props.name) && props.name.length <= MAX_CHART_NAME,
    `must be a DNS label of at most ${MAX_CHART_NAME} characters (got ${JSON.stringify(props.name)})`);
  field('version', typeof props.version === 'string' && semver.valid(props.version) === props.version && !props.version.includes('+'),
    `must be a strict semver version without build metadata, e.g. 1.2.3 (got ${JSON.stringify(props.version)})`);
  field('kind', PACKAGE_KINDS.includes(props.kind), `must be one of ${PACKAGE_KINDS.join(', ')} (got ${JSON.stringify(props.kind)})`);
  field('category', typeof props.category === 'string' && props.category.length > 0, 'must be a non-empty string');
  field('description', typeof props.description === 'string' && props.description.length >= 10, 'must be a sentence of at least 10 characters');
  field('icon', typeof props.icon === 'string' && props.icon.endsWith('.svg'), `must name an .svg file in the package folder (got ${JSON.stringify(props.icon)})`);
  field('keywords', Array.isArray(props.keywords) && props.keywords.length > 0, 'must list at least one keyword');
  field('maintainers', Array.isArray(props.maintainers) && props.maintainers.length > 0 && props.maintainers.every((m) => m.name),
    'must list at least one maintainer with a name');
  field('appVersion', typeof props.appVersion === 'string' && props.appVersion.length > 0, 'must be set');
  field('kubeVersion', typeof props.kubeVersion === 'string' && semver.validRange(props.kubeVersion) !== null,
    `must be a semver range such as >=1.29.0-0 (got ${JSON.stringify(props.kubeVersion)})`);
  for (const [i, image] of (props.images ?? []).entries()) {
    const tag = /@sha256:[0-9a-f]{64}$/.test(image.image) ? 'digest' : /:([\w][\w.-]{0,127})$/.exec(image.image.split('/').pop() ?? '')?.[1];
    field(`images[${i}]`, Boolean(image.name) && Boolean(tag) && tag !== 'latest',
      `must have a name and a pinned tag or digest, not 'latest' (got ${JSON.stringify(image.image)})`);
  }
  for (const dep of props.dependsOn ?? []) field('dependsOn', dnsLabel.test(dep), `'${dep}' is not a package name`);
  const profile = props.podSecurity ?? 'restricted';
  field('podSecurityJustification', profile === 'restricted' || Boolean(props.podSecurityJustification),
    `is required when podSecurity is '${profile}'`);
  field('stateful', props.stateful === undefined || typeof props.stateful === 'boolean', `must be true or false (got ${JSON.stringify(props.stateful)})`);
  for (const ns of props.allowedNamespaces ?? []) field('allowedNamespaces', dnsLabel.test(ns), `'${ns}' is not a namespace name (a DNS label)`);
  field('allowedNamespaces', !props.allowedNamespaces?.length || props.kind === 'platform',
    `only platform packages may reach other namespaces (this one is '${props.kind}')`);
  field('serviceAccountToken', props.serviceAccountToken === undefined || (typeof props.serviceAccountToken === 'string' && props.serviceAccountToken.trim().length >= 10),
    'must say in a sentence why the pods need a Kubernetes API token');
  if (typeof props.build !== 'function') problems.push('build: must be a function (scope, values, ctx) => void');
  const schema = props.values ? toPlainSchema(props.values) : undefined;
  const schemaProblems = schema ? lintValuesSchema(schema) : ['is missing'];
  for (const p of schemaProblems) problems.push(`values.${p}`);
  if (props.keysOrder) {
    const keys = Object.keys(schema?.properties ?? {});
    for (const k of props.keysOrder) field('keysOrder', keys.includes(k), `'${k}' is not a top-level values key`);
  }
  return problems;
}

/** Declares a catalog package. Throws a PackageError listing every problem at once. */
export function definePackage<S extends TObject>(props: PackageProps<S>): PackageDefinition<S> {
  const problems = packageProblems(props as unknown as PackageProps<TObject>);
  if (problems.length) throw new PackageError(problems, `package ${JSON.stringify(props.name)}`);
  return Object.freeze({
    ...props,
    dependsOn: props.dependsOn ?? [],
    license: props.license ?? 'Apache-2.0',
    sources: props.sources ?? [],
    podSecurity: props.podSecurity ?? 'restricted',
    allowedNamespaces: props.allowedNamespaces ?? [],
  });
}
