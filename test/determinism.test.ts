/**
 * Deterministic output: two builds are byte-identical, and the committed charts-out/ equals a
 * fresh build (generated files are committed and drift-checked, projen style).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../scripts/lib/catalog';
import { MANIFEST, sha256 } from '../scripts/lib/build';
import { tempDir } from './support/charts';

function build(out: string) {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js'), 'build', '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r;
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const first = tempDir('hearth-build-a-');
const second = tempDir('hearth-build-b-');
const buildLog = build(first);
build(second);

describe('build output', () => {
  it('is byte-identical across two builds', () => {
    expect(tree(second)).toEqual(tree(first));
  });

  it('equals the committed charts-out/ (run npm run build and commit when this fails)', () => {
    const committed = tree(join(PROJECT_ROOT, 'charts-out'));
    const fresh = tree(first);
    const differing = Object.keys({ ...committed, ...fresh }).filter((p) => committed[p] !== fresh[p]);
    expect(differing, `charts-out/ differs from a fresh build in: ${differing.join(', ')}`).toEqual([]);
  });

  it('lists every generated file with its digest in the manifest', () => {
    const files = tree(first);
    const manifest = JSON.parse(files[MANIFEST]) as { files: Record<string, string> };
    const generated = Object.keys(files).filter((p) => p !== MANIFEST).sort();
    expect(Object.keys(manifest.files)).toEqual(generated);
    for (const p of generated) expect(manifest.files[p], p).toBe(sha256(files[p]));
  });

  it('marks every generated file as generated', () => {
    for (const [path, content] of Object.entries(tree(first))) {
      if (path === MANIFEST) continue;
      expect(content, path).toMatch(/[Gg]enerated by hearth/);
    }
  });

  it('reports progress per package on stderr', () => {
    expect(buildLog.stderr).toMatch(/\[1\/\d+\] \S+ \d+\.\d+\.\d+: \d+ files/);
    expect(buildLog.stderr).toMatch(/built \d+ package\(s\) in \d+ ms/);
  });
});
