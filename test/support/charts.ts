/** Test helpers: packages under test, chart folders on disk, helm runs with parsed output. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PackageDefinition } from '../../constructs/package';
import { loadCatalog, type LoadedPackage } from '../../scripts/lib/catalog';
import { buildPackage, type BuiltPackage } from '../../scripts/lib/build';
import { runHelm, type HelmMajor } from '../../scripts/lib/helm';
import { parseManifest } from '../../scripts/lib/manifest';
import kitchenSink from '../fixtures/kitchen-sink/package';
import { readFileSync } from 'node:fs';

export const HELM_MAJORS: readonly HelmMajor[] = [3, 4];

export function tempDir(prefix = 'hearth-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTree(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** The test-only fixture as if it were a catalog package. */
export function kitchenSinkPackage(): LoadedPackage {
  const dir = join(__dirname, '..', 'fixtures', 'kitchen-sink');
  return { dir, pkg: kitchenSink as unknown as PackageDefinition, icon: readFileSync(join(dir, 'icon.svg'), 'utf8'), assets: {} };
}

/** Every catalog package plus the fixture, built and written to a temp folder. */
export async function packagesUnderTest(): Promise<(BuiltPackage & { chartDir: string })[]> {
  const loaded = [...(await loadCatalog()), kitchenSinkPackage()];
  const root = tempDir('hearth-charts-');
  return loaded.map((l) => {
    const built = buildPackage(l);
    return { ...built, chartDir: writeTree(join(root, l.pkg.name), built.files) };
  });
}

export { parseManifest };

export type TemplateResult = { readonly ok: true; readonly objects: Record<string, unknown>[] } | { readonly ok: false; readonly error: string };

/** `helm template` with a values file; stdout parsed into objects. */
export async function helmTemplate(
  major: HelmMajor,
  chartDir: string,
  values: unknown,
  release = 'release',
  namespace = 'default',
  extraArgs: readonly string[] = [],
): Promise<TemplateResult> {
  const file = join(tempDir('hearth-values-'), 'values.yaml');
  writeFileSync(file, JSON.stringify(values ?? {}));
  const r = await runHelm(major, ['template', release, chartDir, '--namespace', namespace, '-f', file, ...extraArgs]);
  if (r.code !== 0) return { ok: false, error: r.stderr.trim() };
  return { ok: true, objects: parseManifest(r.stdout) };
}

/** Runs tasks with at most `limit` in flight (helm is CPU-bound; the machine has 2 cores). */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const GENERATED = 'hearth.dev/generated-keys';
const GENERATED_SHAPE = /^[A-Za-z0-9]{32}$/;

/**
 * The documented normalisation between `helm template` and the concrete render:
 * 1. objects are compared as parsed data, sorted by kind, namespace and name;
 * 2. in Secrets annotated `hearth.dev/generated-keys`, a listed key whose value decodes to 32
 *    alphanumerics on both sides is a generated password (random by design) and compares equal.
 */
export function normalise(objects: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const key = (o: Record<string, unknown>) => {
    const m = (o.metadata ?? {}) as Record<string, unknown>;
    return `${String(o.kind)}/${String(m.namespace ?? '')}/${String(m.name)}`;
  };
  return [...objects]
    .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>)
    .map((o) => {
      const annotations = ((o.metadata as Record<string, unknown> | undefined)?.annotations ?? {}) as Record<string, string>;
      const data = o.data as Record<string, string> | undefined;
      if (o.kind === 'Secret' && annotations[GENERATED] && data) {
        for (const k of annotations[GENERATED].split(',')) {
          if (typeof data[k] === 'string' && GENERATED_SHAPE.test(Buffer.from(data[k], 'base64').toString('utf8'))) data[k] = '<generated>';
        }
      }
      return o;
    })
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
