/**
 * `hearth package`: reproducible chart archives. Two independent copies of the charts (different
 * mtimes, modes, umask and creation order) must give byte-identical archives, and helm 3 and 4
 * must read them exactly like the chart folder.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../scripts/lib/catalog';
import { runHelm } from '../scripts/lib/helm';
import { ArchiveError, chartArchive, readChartFolder } from '../scripts/lib/archive';
import { HELM_MAJORS, normalise, packagesUnderTest, parseManifest, pool, tempDir, writeTree } from './support/charts';

const packages = await packagesUnderTest();
/** Every catalog package plus the kitchen-sink fixture, freshly built: a charts folder like charts-out. */
const chartsRoot = dirname(packages[0].chartDir);
const chartNames = packages.map((p) => p.compiled.pkg.name).sort();

function hearth(args: readonly string[]) {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js'), ...args], { encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Copies a tree file by file, in the given order, with the given modes and times. */
function copyTree(from: string, to: string, options: { reverse: boolean; fileMode: number; time: (i: number) => Date }): void {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, join(rel, name));
      else files.push(join(rel, name));
    }
  };
  walk(from, '');
  if (options.reverse) files.reverse();
  files.forEach((rel, i) => {
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    writeFileSync(join(to, rel), readFileSync(join(from, rel)));
    chmodSync(join(to, rel), options.fileMode);
    utimesSync(join(to, rel), options.time(i), options.time(i));
  });
}

async function tarEntries(archive: Buffer): Promise<Header[]> {
  const headers: Header[] = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    headers.push(header);
    stream.on('end', next);
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(gunzipSync(archive));
  await done;
  return headers;
}

// Two independent copies of the charts, as two clones on two machines would have them.
const copyA = tempDir('hearth-copy-a-');
const copyB = tempDir('hearth-copy-b-');
copyTree(chartsRoot, copyA, { reverse: false, fileMode: 0o644, time: () => new Date() });
const previousUmask = process.umask(0o077);
try {
  copyTree(chartsRoot, copyB, { reverse: true, fileMode: 0o600, time: (i) => new Date(Date.UTC(2001, 0, 1) + i * 86_400_000) });
} finally {
  process.umask(previousUmask);
}
const outA = tempDir('hearth-dist-a-');
const outB = tempDir('hearth-dist-b-');
const runA = hearth(['package', '--charts', copyA, '--out', outA]);
const runB = hearth(['package', '--charts', copyB, '--out', outB]);
const archives = chartNames.map((name) => {
  const file = readdirSync(outA).find((f) => f.startsWith(`${name}-`) && f.endsWith('.tgz'));
  return { name, file: file ?? `${name}-?.tgz`, pathA: join(outA, file ?? ''), pathB: join(outB, file ?? '') };
});

describe('hearth package', () => {
  it('writes <name>-<version>.tgz for every chart and prints sha256sum lines', () => {
    expect(runA.code, runA.stderr).toBe(0);
    const expected = packages.map((p) => `${p.compiled.pkg.name}-${p.compiled.pkg.version}.tgz`).sort();
    expect(readdirSync(outA).sort()).toEqual(expected);
    for (const a of archives) expect(runA.stdout).toContain(`${sha256(a.pathA)}  `);
  });

  it('gives byte-identical archives from two copies with different mtimes, modes, umask and creation order', () => {
    expect(runB.code, runB.stderr).toBe(0);
    const sums = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, sha256(join(dir, f))]));
    expect(sums(outB)).toEqual(sums(outA));
    expect(readdirSync(outA).length).toBe(chartNames.length);
  });

  it('packages charts-out into dist/ by default, the same bytes as from a copy of the same chart', () => {
    const committed = readdirSync(join(PROJECT_ROOT, 'charts-out')).filter((n) => statSync(join(PROJECT_ROOT, 'charts-out', n)).isDirectory());
    const out = tempDir('hearth-dist-default-');
    const r = hearth(['package', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).map((f) => f.replace(/-\d.*\.tgz$/, '')).sort()).toEqual(committed.sort());
    const again = tempDir('hearth-dist-default-');
    copyTree(join(PROJECT_ROOT, 'charts-out'), join(again, 'charts'), { reverse: true, fileMode: 0o640, time: () => new Date(123_456_789_000) });
    expect(hearth(['package', '--charts', join(again, 'charts'), '--out', join(again, 'dist')]).code).toBe(0);
    for (const f of readdirSync(out)) expect(sha256(join(again, 'dist', f)), f).toBe(sha256(join(out, f)));
  });

  it('rewrites nothing when the charts did not change, and stamps every archive file with the epoch', () => {
    const before = Object.fromEntries(archives.map((a) => [a.file, statSync(a.pathA).ino]));
    const r = hearth(['package', '--charts', copyA, '--out', outA]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${chartNames.length} unchanged`);
    for (const a of archives) {
      expect(statSync(a.pathA).ino).toBe(before[a.file]);
      // helm push copies the file mtime into the manifest's created annotation.
      expect(statSync(a.pathA).mtimeMs).toBe(0);
    }
  });

  it('writes gzip with MTIME 0, no file name and the Unix OS byte', () => {
    for (const a of archives) {
      const head = readFileSync(a.pathA).subarray(0, 10);
      expect([...head.subarray(0, 3)], a.file).toEqual([0x1f, 0x8b, 8]);
      expect(head[3], `${a.file}: FLG (no FNAME, FEXTRA, FCOMMENT, FHCRC)`).toBe(0);
      expect(head.readUInt32LE(4), `${a.file}: MTIME`).toBe(0);
      expect(head[9], `${a.file}: OS`).toBe(3);
    }
  });

  it('writes sorted file entries under <name>/ with mode 0644, uid/gid 0, no owner names and the epoch mtime', async () => {
    for (const a of archives) {
      const entries = await tarEntries(readFileSync(a.pathA));
      const names = entries.map((e) => e.name);
      expect(names.length).toBeGreaterThan(3);
      expect(names).toEqual([...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
      expect(names.every((n) => n.startsWith(`${a.name}/`))).toBe(true);
      expect(names).toContain(`${a.name}/Chart.yaml`);
      for (const e of entries) {
        expect({ name: e.name, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, uname: e.uname ?? '', gname: e.gname ?? '', mtime: e.mtime?.getTime() }).toEqual({
          name: e.name, type: 'file', mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: 0,
        });
      }
    }
  });

  it.each(HELM_MAJORS)('is accepted by helm %i show chart and lint --strict', async (major) => {
    await pool(archives, 2, async (a) => {
      const show = await runHelm(major, ['show', 'chart', a.pathA]);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toContain(`name: ${a.name}`);
      const lint = await runHelm(major, ['lint', '--strict', a.pathA]);
      expect(lint.code, lint.stdout + lint.stderr).toBe(0);
      expect(lint.stdout).toContain('0 chart(s) failed');
    });
  });

  it.each(HELM_MAJORS)('renders with helm %i template exactly like the chart folder', async (major) => {
    await pool(archives, 2, async (a) => {
      const fromArchive = await runHelm(major, ['template', 'same', a.pathA, '--namespace', 'pkg']);
      const fromFolder = await runHelm(major, ['template', 'same', join(chartsRoot, a.name), '--namespace', 'pkg']);
      expect(fromArchive.code, fromArchive.stderr).toBe(0);
      expect(fromFolder.code, fromFolder.stderr).toBe(0);
      const objects = parseManifest(fromArchive.stdout);
      expect(objects.length).toBeGreaterThan(0);
      // Generated passwords are random per render; normalise() compares them by shape.
      expect(normalise(objects)).toEqual(normalise(parseManifest(fromFolder.stdout)));
    });
  });

  it('keeps a file path longer than a ustar name readable by helm (pax entry)', async () => {
    const long = `templates/${'a-very-long-template-file-name-'.repeat(6)}config.yaml`;
    const dir = writeTree(join(tempDir('hearth-long-'), 'longpath'), {
      'Chart.yaml': 'apiVersion: v2\nname: longpath\nversion: 1.0.0\n',
      [long]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: long-path\ndata:\n  a: b\n',
    });
    expect(`longpath/${long}`.length).toBeGreaterThan(155);
    const archive = await chartArchive(readChartFolder(dir));
    const file = join(tempDir('hearth-long-out-'), archive.fileName);
    writeFileSync(file, archive.bytes);
    for (const major of HELM_MAJORS) {
      const r = await runHelm(major, ['template', 'x', file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('name: long-path');
    }
    expect((await chartArchive(readChartFolder(dir))).sha256).toBe(archive.sha256);
  });

  it('reports a folder without Chart.yaml in one line naming it', () => {
    const dir = writeTree(tempDir('hearth-nochart-'), { 'x/values.yaml': 'a: 1\n' });
    expect(() => readChartFolder(join(dir, 'x'))).toThrow(ArchiveError);
    expect(() => readChartFolder(join(dir, 'x'))).toThrow(/x: no Chart\.yaml/);
    const r = hearth(['package', '--charts', dir, '--out', tempDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hearth: .*no charts/);
  });

  it('refuses a symlink inside a chart instead of packaging what it points to on this machine', () => {
    const dir = writeTree(join(tempDir('hearth-link-'), 'linked'), { 'Chart.yaml': 'apiVersion: v2\nname: linked\nversion: 1.0.0\n' });
    symlinkSync('/etc/hostname', join(dir, 'values.yaml'));
    expect(() => readChartFolder(dir)).toThrow(/values\.yaml: not a regular file/);
  });

  it('names the unknown chart and the charts there are for -p with a wrong name', () => {
    const r = hearth(['package', '--charts', copyA, '--out', tempDir(), '-p', 'no-such-chart']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no chart no-such-chart');
    expect(r.stderr).toContain(chartNames[0]);
  });
});
