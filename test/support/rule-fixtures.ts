/**
 * Rule fixtures: the `web` test package (test/fixtures/rules/web) checked for real — chart files,
 * helm 3 + 4 lint and template, concrete renders — and a small vocabulary of edits that change one
 * thing of that subject at a time (test/fixtures/rules/cases.yaml), so each rule has a passing and
 * a failing fixture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { PackageDefinition } from '../../constructs/package';
import { podViews } from '../../constructs/validation/pod-templates';
import { buildPackage } from '../../scripts/lib/build';
import type { LoadedPackage } from '../../scripts/lib/catalog';
import { checkSubject } from '../../scripts/lib/check';
import type { CheckSubject, HelmRun, Json, PackageFacts, RenderSubject } from '../../scripts/lib/rules/rule';
import web from '../fixtures/rules/web/package';
import { tempDir, writeTree } from './charts';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'rules');

/** One edit of the base subject. */
export interface Edit {
  /** Sets a field on every object of a kind, in every render (`path` dotted, `[i]`, `["a.b"]`). */
  readonly set?: { readonly kind: string; readonly path: string; readonly value: unknown };
  /** Deletes a field on every object of a kind. */
  readonly delete?: { readonly kind: string; readonly path: string };
  /** Adds an object to every render (`$RELEASE` and `$NAMESPACE` are replaced). */
  readonly add?: Json;
  /** Removes every object of a kind. */
  readonly remove?: { readonly kind: string };
  /** Overrides package facts. */
  readonly package?: Partial<PackageFacts>;
  /** Edits a chart file: replaces text, sets its content, or deletes it. */
  readonly file?: { readonly path: string; readonly replace?: readonly [string, string]; readonly content?: string; readonly delete?: boolean };
  /** Replaces a helm run's result. */
  readonly helm?: HelmRun;
  /** Replaces the bad-values corpus text (null: the file is missing). */
  readonly corpus?: string | null;
}

export interface RuleCase {
  readonly rule: string;
  /** What the failing fixture does wrong. */
  readonly why: string;
  readonly fail: readonly Edit[];
  /** Edits that keep the rule quiet (default: none, the base subject). */
  readonly pass?: readonly Edit[];
  /** What the passing fixture shows, when it is more than the base. */
  readonly passWhy?: string;
}

export function ruleCases(): RuleCase[] {
  return parse(readFileSync(join(FIXTURES, 'cases.yaml'), 'utf8')) as RuleCase[];
}

/** The web fixture as a catalog package. */
export function webPackage(): LoadedPackage {
  const dir = join(FIXTURES, 'web');
  return { dir, pkg: web as unknown as PackageDefinition, icon: readFileSync(join(dir, 'icon.svg'), 'utf8'), assets: {} };
}

/** The web fixture checked for real (helm runs included). */
export async function baseSubject(samples = 6): Promise<CheckSubject> {
  const loaded = webPackage();
  const built = buildPackage(loaded);
  const dir = writeTree(join(tempDir('hearth-rules-'), 'web'), built.files);
  return (await checkSubject(dir, 'web', { loaded, samples })).subject;
}

function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/\["([^"]+)"\]|\[(\d+)\]|([^.[\]]+)/g)) out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
  return out;
}

function setPath(target: Json, path: string, value: unknown, remove = false): void {
  const keys = segments(path);
  let node: Record<string | number, unknown> = target;
  for (const [i, k] of keys.slice(0, -1).entries()) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = typeof keys[i + 1] === 'number' ? [] : {};
    node = node[k] as Record<string | number, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
}

/** Deterministic incompressible text (base64 of a xorshift stream). */
function noise(bytes: number): string {
  const buf = Buffer.alloc(bytes);
  let x = 2463534242;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf.toString('base64');
}

function materialise(value: unknown, render: RenderSubject): unknown {
  if (typeof value === 'string') return value.replaceAll('$RELEASE', render.release).replaceAll('$NAMESPACE', render.namespace);
  if (Array.isArray(value)) return value.map((v) => materialise(v, render));
  if (value && typeof value === 'object') {
    const o = value as Json;
    if (typeof o.$random === 'number') return noise(o.$random);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, materialise(v, render)]));
  }
  return value;
}

function editRender(render: RenderSubject, edits: readonly Edit[]): RenderSubject {
  let objects = structuredClone(render.objects) as Json[];
  let touched = false;
  for (const e of edits) {
    if (e.set) for (const o of objects.filter((x) => x.kind === e.set!.kind)) setPath(o, e.set.path, materialise(structuredClone(e.set.value), render));
    if (e.delete) for (const o of objects.filter((x) => x.kind === e.delete!.kind)) setPath(o, e.delete.path, undefined, true);
    if (e.add) objects.push(materialise(structuredClone(e.add), render) as Json);
    if (e.remove) objects = objects.filter((o) => o.kind !== e.remove!.kind);
    touched ||= Boolean(e.set || e.delete || e.add || e.remove);
  }
  if (!touched) return render;
  return { ...render, objects, pods: podViews(objects), manifest: objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('') };
}

/** The base subject with the edits applied. */
export function edited(base: CheckSubject, edits: readonly Edit[]): CheckSubject {
  const files: Record<string, string> = { ...base.files };
  let pkg = base.pkg;
  let helm = [...base.helm];
  let corpus = base.corpus;
  for (const e of edits) {
    if (e.package) pkg = { ...pkg, ...e.package };
    if (e.helm) helm = [...helm.filter((h) => h.major !== e.helm!.major || h.command !== e.helm!.command), e.helm];
    if (e.corpus !== undefined && corpus) corpus = { ...corpus, text: e.corpus ?? undefined };
    if (e.file) {
      const { path, replace, content } = e.file;
      if (e.file.delete) delete files[path];
      else if (content !== undefined) files[path] = content;
      else if (replace) {
        if (!files[path]?.includes(replace[0])) throw new Error(`fixture edit: ${path} does not contain ${JSON.stringify(replace[0])}`);
        files[path] = files[path]!.replace(replace[0], replace[1]);
      }
    }
  }
  return {
    ...base,
    files,
    pkg,
    helm,
    corpus,
    renders: base.renders.map((r) => editRender(r, edits)),
    pairs: base.pairs.map(([a, b]) => [editRender(a, edits), editRender(b, edits)] as const),
  };
}
