/**
 * The folder of upstream CRDs (`$HEARTH_CRDS`, default ../shared/crds): which file describes which
 * group/version/kind, read lazily.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type ValidateFunction } from 'ajv';
import { PROJECT_ROOT } from '../util/project-root';
import { Json, isPlainObject } from './problems';
import { compiled } from './crd-schema';

/** The CRD folder: `HEARTH_CRDS`, else `<project root>/../shared/crds`. */
export function crdDirectory(): { dir: string; exists: boolean } {
  const dir = resolve(process.env.HEARTH_CRDS || join(PROJECT_ROOT, '..', 'shared', 'crds'));
  return { dir, exists: existsSync(dir) && statSync(dir).isDirectory() };
}

/**
 * KubeVirt creates these CRDs at runtime, so the folder holds only their `openAPIV3Schema`
 * (`<plural>[.<tag>].openapi.yaml`); group, version and kind come from the folder's PROVENANCE.md.
 */
export const OPENAPI_KINDS: Record<string, { readonly version: string; readonly kind: string }> = {
  'kubevirt.io/virtualmachines': { version: 'v1', kind: 'VirtualMachine' },
  'kubevirt.io/virtualmachineinstances': { version: 'v1', kind: 'VirtualMachineInstance' },
  'instancetype.kubevirt.io/virtualmachineclusterinstancetypes': { version: 'v1beta1', kind: 'VirtualMachineClusterInstancetype' },
  'instancetype.kubevirt.io/virtualmachineclusterpreferences': { version: 'v1beta1', kind: 'VirtualMachineClusterPreference' },
};

export interface CrdFile {
  readonly path: string;
  /** The plural the file is named after (`talosconfigtemplates`). */
  readonly stem: string;
  /** A version-suffixed twin (`talosconfigtemplates.v0.6.12.yaml`), used only when no unsuffixed file serves the kind. */
  readonly suffixed: boolean;
  readonly openapi: boolean;
}

export interface CrdEntry {
  readonly file: string;
  readonly suffixed: boolean;
  readonly schema: Json;
  compiled?: ValidateFunction | Error;
}

export type CrdLookup = { readonly entry: CrdEntry } | { readonly reason: string };

/**
 * (group, version, kind) → schema for one CRD folder. The folder listing (group → files) is read
 * once; a YAML file is parsed only when a kind of its group is asked for, trying the files named
 * after the kind's likely plural first, because the large CRDs take most of the time to parse.
 */
export class CrdIndex {
  readonly exists: boolean;
  private readonly filesByGroup = new Map<string, CrdFile[]>();
  private readonly loaded = new Set<string>();
  private readonly entries = new Map<string, CrdEntry>();
  /** group/kind → versions seen (served or not), for messages. */
  private readonly versions = new Map<string, string[]>();
  private readonly kindsByGroup = new Map<string, Set<string>>();
  private readonly failures = new Map<string, string[]>();

  constructor(readonly dir: string) {
    this.exists = existsSync(dir) && statSync(dir).isDirectory();
    if (!this.exists) return;
    for (const group of readdirSync(dir)) {
      // API groups have a dot; `talos/`, `charts/` and loose files hold other schemas.
      const groupDir = join(dir, group);
      if (!group.includes('.') || !statSync(groupDir).isDirectory()) continue;
      const files: CrdFile[] = [];
      for (const name of readdirSync(groupDir).sort()) {
        if (!/\.ya?ml$/.test(name)) continue;
        let base = name.replace(/\.ya?ml$/, '');
        const openapi = base.endsWith('.openapi');
        if (openapi) base = base.slice(0, -'.openapi'.length);
        const dot = base.indexOf('.');
        files.push({ path: join(groupDir, name), stem: dot < 0 ? base : base.slice(0, dot), suffixed: dot >= 0, openapi });
      }
      this.filesByGroup.set(group, files);
    }
  }

  lookup(group: string, version: string, kind: string): CrdLookup {
    if (!this.exists) return { reason: `the CRD folder ${this.dir} is missing (set HEARTH_CRDS to the folder of upstream CRDs)` };
    const files = this.filesByGroup.get(group) ?? [];
    if (files.length === 0) return { reason: `no CRD for API group ${group} in ${this.dir}` };
    const key = `${group}/${version}/${kind}`;
    const plurals = pluralGuesses(kind);
    const likely = files.filter((f) => plurals.has(f.stem.replace(/-/g, '')));
    for (const file of likely) this.load(group, file);
    if (!this.entries.has(key)) for (const file of files) this.load(group, file);
    const entry = this.entries.get(key);
    if (entry) return { entry };
    const failures = this.failures.get(group) ?? [];
    const failed = failures.length ? `; unreadable: ${failures.join('; ')}` : '';
    const versions = this.versions.get(`${group}/${kind}`);
    if (versions) return { reason: `no CRD in ${join(this.dir, group)} serves ${group}/${version} ${kind} (versions: ${versions.join(', ')})${failed}` };
    const kinds = [...(this.kindsByGroup.get(group) ?? [])].sort();
    return { reason: `no CRD in ${join(this.dir, group)} defines kind ${kind} (kinds: ${kinds.join(', ') || 'none'})${failed}` };
  }

  private load(group: string, file: CrdFile): void {
    if (this.loaded.has(file.path)) return;
    this.loaded.add(file.path);
    const name = file.path.slice(this.dir.length + 1);
    try {
      const docs = parseAllDocuments(readFileSync(file.path, 'utf8'));
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        if (doc.errors.length) throw new Error(doc.errors[0]!.message);
        const crd = doc.toJS() as unknown;
        if (!isPlainObject(crd)) continue;
        if (file.openapi) this.addOpenApi(group, file, name, crd);
        else if (crd.kind === 'CustomResourceDefinition' && crd.apiVersion === 'apiextensions.k8s.io/v1') this.addCrd(file, name, crd);
      }
    } catch (error) {
      const list = this.failures.get(group) ?? [];
      list.push(`${name}: ${(error as Error).message}`);
      this.failures.set(group, list);
    }
  }

  private addOpenApi(group: string, file: CrdFile, name: string, doc: Json): void {
    const meta = OPENAPI_KINDS[`${group}/${file.stem}`];
    if (!meta) throw new Error('schema-only file of an unknown kind (add it to OPENAPI_KINDS from PROVENANCE.md)');
    if (!isPlainObject(doc.openAPIV3Schema)) throw new Error('no openAPIV3Schema');
    this.add(group, meta.version, meta.kind, { file: name, suffixed: file.suffixed, schema: doc.openAPIV3Schema }, true);
  }

  private addCrd(file: CrdFile, name: string, crd: Json): void {
    const spec = isPlainObject(crd.spec) ? crd.spec : {};
    const group = String(spec.group);
    const kind = String(isPlainObject(spec.names) ? spec.names.kind : '');
    for (const version of Array.isArray(spec.versions) ? spec.versions : []) {
      if (!isPlainObject(version)) continue;
      const schema = isPlainObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
      const entry = { file: name, suffixed: file.suffixed, schema: isPlainObject(schema) ? schema : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
      this.add(group, String(version.name), kind, entry, version.served !== false);
    }
  }

  private add(group: string, version: string, kind: string, entry: CrdEntry, served: boolean): void {
    this.kindsByGroup.set(group, (this.kindsByGroup.get(group) ?? new Set()).add(kind));
    const seen = this.versions.get(`${group}/${kind}`) ?? [];
    const label = served ? version : `${version} (not served)`;
    if (!seen.includes(label)) seen.push(label);
    this.versions.set(`${group}/${kind}`, seen);
    if (!served) return;
    const key = `${group}/${version}/${kind}`;
    const existing = this.entries.get(key);
    // The unsuffixed file is the reference; a version-suffixed twin only fills versions it alone serves.
    if (existing && (existing.suffixed === entry.suffixed || !existing.suffixed)) return;
    this.entries.set(key, entry);
  }
}

export function pluralGuesses(kind: string): Set<string> {
  const k = kind.toLowerCase();
  return new Set([k, `${k}s`, `${k}es`, k.replace(/y$/, 'ies')]);
}

export const crdIndexes = new Map<string, CrdIndex>();

export function crdIndex(dir: string): CrdIndex {
  const key = resolve(dir);
  let index = crdIndexes.get(key);
  if (!index) {
    index = new CrdIndex(key);
    crdIndexes.set(key, index);
  }
  return index;
}
