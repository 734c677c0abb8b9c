/**
 * Helpers for the managed-service package tests (postgres, rabbitmq, redis): render a value set
 * with helm 3, helm 4 and hearth's concrete renderer and insist they agree, read NOTES.txt as
 * `helm install` prints it, and check render failures on all three.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { renderConcrete } from '../../constructs/compiler/render';
import { RenderFailure } from '../../constructs/expr/functions';
import { crdDirectory, validateObjects } from '../../constructs/validation/objects';
import { runHelm } from '../../scripts/lib/helm';
import { HELM_MAJORS, helmTemplate, normalise, packagesUnderTest, tempDir } from './charts';

export type Built = Awaited<ReturnType<typeof packagesUnderTest>>[number];
export type K8sObject = Record<string, unknown> & { kind: string; metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> } };

let cached: Promise<Built[]> | undefined;

/** The catalog package `name`, built into a chart folder (built once per test file). */
export async function builtPackage(name: string): Promise<Built> {
  cached ??= packagesUnderTest();
  const found = (await cached).find((p) => p.compiled.pkg.name === name);
  if (!found) throw new Error(`no package ${name} in the catalog`);
  return found;
}

/**
 * The objects of a value set, rendered by helm 3, helm 4 and the concrete renderer; all three
 * must agree (generated passwords compare by shape). Returns the concrete objects.
 */
export async function renderEverywhere(built: Built, values: unknown, release = 't', namespace = 'tenant-a'): Promise<K8sObject[]> {
  const concrete = renderConcrete(built.compiled, values, { name: release, namespace }) as K8sObject[];
  for (const major of HELM_MAJORS) {
    const r = await helmTemplate(major, built.chartDir, values, release, namespace);
    if (!r.ok) throw new Error(`helm ${major} failed: ${r.error}`);
    expect(normalise(r.objects), `helm ${major} and the concrete render differ`).toEqual(normalise(concrete));
  }
  return concrete;
}

/** Every object validates: built-in kinds against Kubernetes, custom resources against their CRDs. */
export function expectValidObjects(objects: readonly Record<string, unknown>[]): void {
  const report = validateObjects(objects);
  expect(report.problems).toEqual([]);
  if (crdDirectory().exists) expect(report.unvalidated).toEqual([]);
}

export function only(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function one(objects: readonly K8sObject[], kind: string): K8sObject & { spec: any } {
  const found = only(objects, kind);
  expect(found.map((o) => o.metadata.name), `exactly one ${kind}`).toHaveLength(1);
  return found[0] as K8sObject & { spec: any };
}

/** The render fails with `message` (a fragment) in the concrete renderer and on helm 3 and helm 4. */
export async function expectRenderFailure(built: Built, values: unknown, message: string): Promise<void> {
  expect(() => renderConcrete(built.compiled, values, { name: 't' })).toThrow(RenderFailure);
  expect(() => renderConcrete(built.compiled, values, { name: 't' })).toThrow(message);
  for (const major of HELM_MAJORS) {
    const r = await helmTemplate(major, built.chartDir, values, 't');
    expect(r.ok, `helm ${major} should fail`).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  }
}

/** NOTES.txt as `helm install --dry-run=client` prints it (Helm 4 renders it without a cluster). */
export async function notesOf(built: Built, values: unknown, release: string, namespace = 'tenant-a'): Promise<string> {
  const file = join(tempDir('hearth-notes-'), 'values.yaml');
  writeFileSync(file, JSON.stringify(values));
  const r = await runHelm(4, ['install', release, built.chartDir, '--dry-run=client', '--namespace', namespace, '-f', file]);
  expect(r.code, r.stderr).toBe(0);
  const at = r.stdout.indexOf('NOTES:');
  expect(at, 'helm printed no NOTES').toBeGreaterThanOrEqual(0);
  return r.stdout.slice(at + 'NOTES:'.length);
}

/** The decoded `data` of a Secret. */
export function secretData(secret: K8sObject): Record<string, string> {
  const data = (secret as { data?: Record<string, string> }).data ?? {};
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** A 53-character release name, Helm's longest. */
export const LONGEST_RELEASE = `${'a'.repeat(40)}-${'b'.repeat(12)}`;
