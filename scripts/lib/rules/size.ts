/** Size: Helm stores every release revision (gzipped manifest + values) in one Secret. */
import { gzipSync } from 'node:zlib';
import { perRender, type Rule } from './rule';

/** hearth's budget per release revision: a tenth of the 1 MiB Secret limit, so history and growth fit. */
export const MAX_RELEASE_BYTES = 100 * 1024;

export function releaseBytes(manifest: string, values: unknown): number {
  return gzipSync(Buffer.from(`${manifest}\n${JSON.stringify(values ?? {})}`)).length;
}

export const SIZE_RULES: readonly Rule[] = [
  {
    id: 'size.release',
    rationale: 'Helm keeps each release revision, gzipped manifest and values, in a Secret limited to 1 MiB; a large chart fails to upgrade later.',
    fix: 'Move large static content out of the chart (images, operator-generated config) or split the package.',
    check: perRender(function* (render) {
      const bytes = releaseBytes(render.manifest, render.values);
      if (bytes > MAX_RELEASE_BYTES) yield { object: 'release', message: `gzipped manifest and values take ${bytes} bytes, more than ${MAX_RELEASE_BYTES}` };
    }),
  },
];
