/** Chart metadata: Chart.yaml fields and the Artifact Hub annotations catalogs read. */
import * as semver from 'semver';
import { parse } from 'yaml';
import { DNS_LABEL_PATTERN } from '../../../constructs/values/schema';
import { list, type CheckSubject, type Json, type Rule, type Violation } from './rule';
import { isPlainObject } from '../../../constructs/util/json';

const CHART = 'Chart.yaml';
const dnsLabel = new RegExp(DNS_LABEL_PATTERN);

function chartYaml(subject: CheckSubject): Json | undefined {
  const text = subject.files[CHART];
  if (text === undefined) return undefined;
  try {
    const doc = parse(text, { version: '1.1' }) as unknown;
    return isPlainObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** A rule over Chart.yaml; a missing or unreadable Chart.yaml is reported once, by chart.api-version. */
function onChart(check: (chart: Json, subject: CheckSubject) => Iterable<Violation>): Rule['check'] {
  return function* (subject) {
    const chart = chartYaml(subject);
    if (chart) yield* check(chart, subject);
  };
}

function annotation(chart: Json, name: string): unknown {
  return isPlainObject(chart.annotations) ? chart.annotations[name] : undefined;
}

const at = (name: string) => `annotations["${name}"]`;

/** The YAML list held by an Artifact Hub annotation (a string), or undefined when it is not one. */
function annotationList(chart: Json, name: string): Json[] | undefined {
  const text = annotation(chart, name);
  if (typeof text !== 'string') return undefined;
  try {
    const value = parse(text) as unknown;
    return Array.isArray(value) ? list(value) : undefined;
  } catch {
    return undefined;
  }
}

/** Every image the renders run (operators' own images excluded). */
export function renderedImages(subject: CheckSubject): Map<string, string> {
  const images = new Map<string, string>();
  for (const render of subject.renders) {
    for (const pod of render.pods) {
      for (const c of pod.containers) {
        if (c.operatorImage || typeof c.spec.image !== 'string' || !c.spec.image) continue;
        if (!images.has(c.spec.image)) images.set(c.spec.image, `${pod.object} ${c.at.image} (${render.label})`);
      }
    }
  }
  return images;
}

const SPDX = /^[A-Za-z0-9][A-Za-z0-9.+-]*( (AND|OR|WITH) [A-Za-z0-9][A-Za-z0-9.+-]*)*$/;

export const CHART_RULES: readonly Rule[] = [
  {
    id: 'chart.api-version',
    rationale: 'Helm 3 and 4 read chart apiVersion v2; v1 charts lose dependencies and type.',
    fix: 'Generate the chart with hearth build (it writes apiVersion: v2).',
    *check(subject) {
      const chart = chartYaml(subject);
      if (!chart) yield { object: CHART, message: 'Chart.yaml is missing or is not a YAML map' };
      else if (chart.apiVersion !== 'v2') yield { object: CHART, path: 'apiVersion', message: `must be v2 (got ${JSON.stringify(chart.apiVersion)})` };
    },
  },
  {
    id: 'chart.name',
    rationale: 'The chart name is its OCI repository and folder name and prefixes every object name.',
    fix: 'Use the package folder name, a DNS label (lower case letters, digits and -).',
    check: onChart(function* (chart, subject) {
      const name = chart.name;
      if (typeof name !== 'string' || !dnsLabel.test(name)) yield { object: CHART, path: 'name', message: `must be a DNS label (got ${JSON.stringify(name)})` };
      else if (name !== subject.chartName) yield { object: CHART, path: 'name', message: `'${name}' differs from the chart folder '${subject.chartName}'` };
    }),
  },
  {
    id: 'chart.version',
    rationale: 'OCI tags and Flux semver ranges need a strict semver version; `+` becomes `_` in OCI tags.',
    fix: 'Set version to MAJOR.MINOR.PATCH (optionally -prerelease), without +build metadata.',
    check: onChart(function* (chart) {
      const version = chart.version;
      const ok = typeof version === 'string' && semver.valid(version) === version && !version.includes('+');
      if (!ok) yield { object: CHART, path: 'version', message: `must be strict semver without build metadata (got ${JSON.stringify(version)})` };
    }),
  },
  {
    id: 'chart.app-version',
    rationale: 'Users and scanners need to know which software version the chart installs.',
    fix: 'Set appVersion in the package definition.',
    check: onChart(function* (chart) {
      if (typeof chart.appVersion !== 'string' || chart.appVersion === '') yield { object: CHART, path: 'appVersion', message: 'is missing' };
    }),
  },
  {
    id: 'chart.kube-version',
    rationale: 'Helm refuses to install a chart on a Kubernetes version outside kubeVersion, before anything breaks.',
    fix: 'Set kubeVersion to a semver range such as >=1.29.0-0.',
    check: onChart(function* (chart) {
      const range = chart.kubeVersion;
      if (typeof range !== 'string' || !range) yield { object: CHART, path: 'kubeVersion', message: 'is missing' };
      else if (semver.validRange(range) === null) yield { object: CHART, path: 'kubeVersion', message: `is not a semver range (got ${JSON.stringify(range)})` };
    }),
  },
  {
    id: 'chart.artifacthub-images',
    rationale: 'Air-gapped mirrors and image scanners read artifacthub.io/images; it must list exactly the images the chart runs.',
    fix: 'List every image the chart can render in the package\'s images, and render only images listed there (ctx.image).',
    check: onChart(function* (chart, subject) {
      const name = 'artifacthub.io/images';
      const entries = annotationList(chart, name);
      if (!entries) {
        yield { object: CHART, path: at(name), message: 'is missing or not a YAML list of {name, image}' };
        return;
      }
      const listed = new Set<string>();
      for (const [i, e] of entries.entries()) {
        if (typeof e.name !== 'string' || typeof e.image !== 'string') yield { object: CHART, path: `${at(name)}[${i}]`, message: 'needs a name and an image' };
        else listed.add(e.image);
      }
      const rendered = renderedImages(subject);
      for (const [image, where] of rendered) {
        if (!listed.has(image)) yield { object: CHART, path: at(name), message: `does not list ${image}, rendered at ${where}` };
      }
      if (!subject.coversEveryOption) return;
      for (const image of listed) {
        if (!rendered.has(image)) yield { object: CHART, path: at(name), message: `lists ${image}, which no render runs (defaults, samples and every enum value were tried)` };
      }
    }),
  },
  {
    id: 'chart.artifacthub-license',
    rationale: 'The license annotation tells users and catalogs under which terms the chart is published.',
    fix: 'Set license in the package definition to an SPDX identifier (default Apache-2.0).',
    check: onChart(function* (chart) {
      const name = 'artifacthub.io/license';
      const license = annotation(chart, name);
      if (typeof license !== 'string' || !SPDX.test(license)) yield { object: CHART, path: at(name), message: `must be an SPDX license expression (got ${JSON.stringify(license)})` };
    }),
  },
  {
    id: 'chart.artifacthub-links',
    rationale: 'Links to the project home and sources let users verify what the chart installs.',
    fix: 'Set home and/or sources in the package definition (https URLs).',
    check: onChart(function* (chart) {
      const name = 'artifacthub.io/links';
      const entries = annotationList(chart, name);
      if (!entries || entries.length === 0) {
        yield { object: CHART, path: at(name), message: 'is missing: the chart names no home page or source' };
        return;
      }
      for (const [i, e] of entries.entries()) {
        if (typeof e.name !== 'string' || typeof e.url !== 'string' || !/^https:\/\/\S+$/.test(e.url)) {
          yield { object: CHART, path: `${at(name)}[${i}]`, message: `needs a name and an https url (got ${JSON.stringify(e)})` };
        }
      }
    }),
  },
  {
    id: 'chart.generated-current',
    rationale: 'The published chart must be exactly what the package definition generates; a stale or hand-edited chart is untested.',
    fix: 'Run hearth build and commit the result; never edit generated files.',
    *check(subject) {
      if (!subject.expectedFiles) return;
      for (const [path, content] of Object.entries(subject.expectedFiles)) {
        if (subject.files[path] === undefined) yield { object: path, message: 'is missing from the generated chart' };
        else if (subject.files[path] !== content) yield { object: path, message: 'differs from what hearth build generates' };
      }
      for (const path of Object.keys(subject.files)) {
        if (!(path in subject.expectedFiles)) yield { object: path, message: 'is not generated by hearth build (stale or hand-written file)' };
      }
    },
  },
];
