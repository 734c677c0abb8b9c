/**
 * Does a package keep data? Flux's default remediation of a failed install is to uninstall the
 * release, which deletes the volumes and credentials it created; stateful packages must retry
 * instead. The package says so with `stateful`, or it is detected from what it renders.
 */
import type { CompiledPackage } from '../../constructs/compiler/compile';
import { renderConcrete } from '../../constructs/compiler/render';
import { sampleValueSets } from './upgrade-samples';

type Json = Record<string, unknown>;

/** Keys of custom resources that declare persistent storage (operators turn them into volumes). */
const STORAGE_KEYS = new Set(['persistentVolumeClaim', 'persistentVolumeClaimTemplate', 'volumeClaimTemplate', 'volumeClaimTemplates', 'storage', 'persistence', 'walStorage']);

function isCustomResource(object: Json): boolean {
  const apiVersion = String(object.apiVersion ?? '');
  if (!apiVersion.includes('/')) return false;
  const group = apiVersion.slice(0, apiVersion.indexOf('/'));
  return group.includes('.') && !group.endsWith('.k8s.io');
}

function declaresStorage(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(declaresStorage);
  if (!node || typeof node !== 'object') return false;
  return Object.entries(node as Json).some(([key, value]) => (STORAGE_KEYS.has(key) && value !== null && value !== false && value !== '') || declaresStorage(value));
}

/** Whether one rendered object holds data that outlives a pod. */
export function keepsData(object: Json): boolean {
  if (object.kind === 'PersistentVolumeClaim') return true;
  if (object.kind === 'StatefulSet') {
    const templates = (object.spec as Json | undefined)?.volumeClaimTemplates;
    return Array.isArray(templates) && templates.length > 0;
  }
  return isCustomResource(object) && declaresStorage(object.spec);
}

/** The package's own `stateful`, else whether any render of its defaults or sample values keeps data. */
export function isStateful(compiled: CompiledPackage): boolean {
  if (compiled.pkg.stateful !== undefined) return compiled.pkg.stateful;
  const render = (values: Json): Json[] | undefined => {
    try {
      return renderConcrete(compiled, structuredClone(values));
    } catch {
      return undefined;
    }
  };
  return sampleValueSets(compiled.schema, (values) => render(values) !== undefined).some((sample) => render(sample.values)?.some(keepsData));
}
