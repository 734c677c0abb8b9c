/**
 * Where charts are published: `oci://HOST[:PORT]/NAMESPACE`. `helm push chart.tgz oci://HOST/NS`
 * stores a chart in the repository `HOST/NS/<chart name>`, tagged with its version (`+` → `_`,
 * because `+` is not allowed in an OCI tag).
 */

/** Thrown for registry problems a person can fix: address, credentials, reachability, immutability. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface OciTarget {
  /** `host[:port]`, as helm's registry config keys it. */
  readonly host: string;
  /** Repository path under the host, without slashes at either end (e.g. `hearth` or `team/charts`). */
  readonly namespace: string;
  /** `oci://host/namespace`, the form `helm push` takes. */
  readonly url: string;
}

const EXPECTED_FORM = 'expected oci://HOST[:PORT]/NAMESPACE (for example oci://127.0.0.1:5000/hearth)';
/** Host name, IPv4 or bracketed IPv6, optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** One path component of an OCI repository name (distribution spec). */
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

/** Parses `oci://HOST[:PORT]/NAMESPACE`; anything else is reported with the expected form. */
export function parseOciTarget(text: string): OciTarget {
  const m = /^oci:\/\/([^/]+)\/(.+?)\/?$/.exec(text.trim());
  if (!m) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
    const why = scheme && scheme.toLowerCase() !== 'oci' ? `${scheme}:// is not an OCI registry address` : text.startsWith('oci://') ? 'no namespace after the host' : 'no oci:// scheme';
    throw new RegistryError(`registry "${text}": ${why}; ${EXPECTED_FORM}`);
  }
  const [, host, namespace] = m;
  if (!HOST.test(host)) throw new RegistryError(`registry "${text}": "${host}" is not a host name with an optional port; ${EXPECTED_FORM}`);
  const bad = namespace.split('/').filter((c) => !COMPONENT.test(c));
  if (bad.length) {
    const why = /[:@]/.test(namespace) ? 'a tag or digest does not belong in a publish target' : `"${bad[0]}" is not a repository path component (lowercase letters, digits and single . _ - between them)`;
    throw new RegistryError(`registry "${text}": ${why}; ${EXPECTED_FORM}`);
  }
  return { host, namespace, url: `oci://${host}/${namespace}` };
}

/** `oci://host/namespace/<chart>`: what `helm pull`, `helm install` and Flux reference. */
export function chartReference(target: OciTarget, chart: string): string {
  return `${target.url}/${chart}`;
}

/** The OCI tag helm gives a chart version. */
export function versionTag(version: string): string {
  return version.replace(/\+/g, '_');
}
