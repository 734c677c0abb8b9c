/** Rendered manifests read the way Kubernetes reads them. */
import { parseAllDocuments } from 'yaml';
import type { JsonObject } from '../../constructs/util/json';

/**
 * The objects of a multi-document manifest, parsed as YAML 1.1 (the reader behind the Kubernetes
 * API machinery), without empty documents. Invalid YAML throws: helm refuses it before printing,
 * so it would mean a bug upstream of the parse.
 */
export function parseManifest(text: string): JsonObject[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((d) => {
      if (d.errors.length) throw new Error(`invalid YAML in a rendered manifest: ${d.errors[0].message}`);
      return d.toJS({ maxAliasCount: -1 }) as unknown;
    })
    .filter((o): o is JsonObject => o !== null && typeof o === 'object' && !Array.isArray(o));
}
