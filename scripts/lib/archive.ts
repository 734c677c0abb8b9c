/**
 * Reproducible chart archives. `helm package` is not reproducible (Helm 3 stamps every entry with
 * the current time, Helm 4 with the files' mtimes), so hearth writes the `.tgz` itself:
 *
 * - one entry per regular file, under `<chart name>/`, sorted by path (byte order); no directory
 *   entries (Helm's own archives have none and its loader does not need them);
 * - every entry: mode 0644, uid/gid 0, empty owner names, mtime ARCHIVE_MTIME (ustar; pax only
 *   for paths longer than ustar allows);
 * - gzip at a fixed level with MTIME 0, no file name and OS byte 3 (Unix) whatever the platform.
 *
 * The same chart folder therefore gives the same bytes on every run and machine (for a given
 * zlib build: Node's bundled zlib, see `process.versions.zlib`). The archive FILE also gets
 * ARCHIVE_MTIME as its modification time, because `helm push` copies the file's mtime into the
 * OCI manifest's `org.opencontainers.image.created` annotation — a stable file time is what
 * keeps the manifest digest stable.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { parse } from 'yaml';

/** Time of every archive entry and of the archive file: the Unix epoch (1970-01-01T00:00:00Z). */
export const ARCHIVE_MTIME = new Date(0);

/** gzip level: fixed, because the compressed bytes (and the header's XFL byte) depend on it. */
const GZIP_LEVEL = 9;
/** gzip header byte 9: the OS that wrote the file. zlib fills in its build platform; pin Unix. */
const GZIP_OS_UNIX = 3;

/** Thrown for a chart folder that cannot be packaged; names the folder and what is wrong. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** A chart folder read into memory: name and version from its Chart.yaml, files by relative path. */
export interface ChartSource {
  readonly name: string;
  readonly version: string;
  /** Chart.yaml as data (for provenance files). */
  readonly metadata: Record<string, unknown>;
  /** File contents keyed by POSIX path relative to the chart folder. */
  readonly files: ReadonlyMap<string, Buffer>;
}

/** A packaged chart. */
export interface ChartArchive {
  readonly name: string;
  readonly version: string;
  /** `<name>-<version>.tgz`, the file name Helm uses. */
  readonly fileName: string;
  readonly bytes: Buffer;
  /** Hex sha256 of `bytes`: the OCI layer digest once pushed. */
  readonly sha256: string;
  readonly metadata: Record<string, unknown>;
}

export function archiveFileName(name: string, version: string): string {
  return `${name}-${version}.tgz`;
}

function readFiles(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      const rel = prefix ? `${prefix}/${entry}` : entry;
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path, rel);
      else if (stat.isFile()) files.set(rel, readFileSync(path));
      // A symlink would make the archive depend on what it points to on this machine.
      else throw new ArchiveError(`${path}: not a regular file or folder (symlinks and devices cannot go into a chart archive)`);
    }
  };
  walk(root, '');
  return files;
}

/** Reads a chart folder (e.g. charts-out/redis); its Chart.yaml must name the chart and its version. */
export function readChartFolder(dir: string): ChartSource {
  const chartYaml = join(dir, 'Chart.yaml');
  if (!existsSync(chartYaml)) throw new ArchiveError(`${dir}: no Chart.yaml (run npm run build to generate the charts)`);
  let metadata: unknown;
  try {
    metadata = parse(readFileSync(chartYaml, 'utf8'));
  } catch (e) {
    throw new ArchiveError(`${chartYaml}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const { name, version } = (metadata ?? {}) as { name?: unknown; version?: unknown };
  if (typeof name !== 'string' || !name || typeof version !== 'string' || !version) {
    throw new ArchiveError(`${chartYaml}: needs string fields name and version`);
  }
  return { name, version, metadata: metadata as Record<string, unknown>, files: readFiles(dir) };
}

/** Byte-order comparison, so the order never depends on the locale. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The uncompressed tar stream: sorted entries with fixed metadata. */
export async function chartTar(source: ChartSource): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  for (const path of [...source.files.keys()].sort(byBytes)) {
    const content = source.files.get(path)!;
    await new Promise<void>((resolve, reject) => {
      tar.entry(
        { name: `${source.name}/${path}`, type: 'file', mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: ARCHIVE_MTIME, size: content.length },
        content,
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** gzip with no timestamp, no name and a fixed OS byte. */
export function reproducibleGzip(data: Buffer): Buffer {
  const gz = gzipSync(data, { level: GZIP_LEVEL });
  // Node writes MTIME 0 already; pin the header anyway so the promise does not rest on defaults.
  gz.writeUInt32LE(0, 4);
  gz[9] = GZIP_OS_UNIX;
  return gz;
}

export async function chartArchive(source: ChartSource): Promise<ChartArchive> {
  const bytes = reproducibleGzip(await chartTar(source));
  return {
    name: source.name,
    version: source.version,
    fileName: archiveFileName(source.name, source.version),
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    metadata: source.metadata,
  };
}

/** Chart folders under `chartsDir` (every sub-folder holding a Chart.yaml), sorted by name. */
export function chartFolders(chartsDir: string, only: readonly string[] = []): string[] {
  if (!existsSync(chartsDir)) throw new ArchiveError(`${chartsDir}: no such folder (run npm run build to generate the charts)`);
  const all = readdirSync(chartsDir)
    .filter((entry) => lstatSync(join(chartsDir, entry)).isDirectory() && existsSync(join(chartsDir, entry, 'Chart.yaml')))
    .sort(byBytes);
  const missing = only.filter((name) => !all.includes(name));
  if (missing.length) throw new ArchiveError(`no chart ${missing.join(', ')} in ${chartsDir} (charts there: ${all.join(', ') || 'none'})`);
  const chosen = only.length ? all.filter((name) => only.includes(name)) : all;
  if (!chosen.length) throw new ArchiveError(`${chartsDir}: no charts (a chart is a folder with a Chart.yaml; run npm run build)`);
  return chosen.map((name) => join(chartsDir, name));
}

/** Archives of every chart under `chartsDir` (in memory). */
export async function chartArchives(chartsDir: string, only: readonly string[] = []): Promise<ChartArchive[]> {
  const archives: ChartArchive[] = [];
  for (const dir of chartFolders(chartsDir, only)) archives.push(await chartArchive(readChartFolder(dir)));
  return archives;
}

export interface WrittenArchive extends ChartArchive {
  readonly path: string;
  /** False when the file already held exactly these bytes. */
  readonly written: boolean;
}

/**
 * Writes `<name>-<version>.tgz` into `outDir`, only when its bytes changed, and sets the file's
 * mtime to ARCHIVE_MTIME (see the module comment: `helm push` reads it).
 */
export function writeArchive(outDir: string, archive: ChartArchive): WrittenArchive {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, archive.fileName);
  const unchanged = existsSync(path) && readFileSync(path).equals(archive.bytes);
  if (!unchanged) {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, archive.bytes, { mode: 0o644 });
    renameSync(partial, path);
  }
  utimesSync(path, ARCHIVE_MTIME, ARCHIVE_MTIME);
  return { ...archive, path, written: !unchanged };
}
