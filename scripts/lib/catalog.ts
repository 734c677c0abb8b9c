/**
 * Finds and loads catalog packages: one folder per package holding `package.ts` (default export
 * from `definePackage`), its icon and optional README.md.hbs / NOTES.txt.hbs / CHANGELOG.md.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../constructs/util/project-root';
import { PackageError, type PackageDefinition } from '../../constructs/package';
import type { PackageAssets } from '../../constructs/compiler/chart-files';

export interface LoadedPackage {
  /** Folder of the package sources (relative paths in messages start at the project root). */
  readonly dir: string;
  readonly pkg: PackageDefinition;
  readonly assets: PackageAssets;
  /** The icon's SVG text. */
  readonly icon: string;
}

/** Project root (re-exported for the CLI and tests). */
export { PROJECT_ROOT };

/** Running from TypeScript sources (vitest) or from the compiled dist/ tree. */
const FROM_SOURCE = __filename.endsWith('.ts');

function moduleFor(file: string): string {
  if (FROM_SOURCE || file.endsWith('.js')) return file;
  return join(PROJECT_ROOT, 'dist', relative(PROJECT_ROOT, file)).replace(/\.ts$/, '.js');
}

/** Thrown for a package folder that cannot be loaded; names the file and what to do. */
export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

function readOptional(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export async function loadPackage(dir: string): Promise<LoadedPackage> {
  const where = relative(PROJECT_ROOT, dir) || dir;
  // A folder may hold the TypeScript source (compiled with the project) or a compiled package.js
  // (a package written elsewhere, or a catalog outside the project).
  const compiled = join(dir, 'package.js');
  const source = existsSync(compiled) ? compiled : join(dir, 'package.ts');
  if (!existsSync(source)) throw new CatalogError(`${where}: no package.ts or package.js (a package folder needs one, exporting definePackage({...}) as default)`);
  let loaded: { default?: unknown };
  try {
    loaded = (await import(moduleFor(source))) as { default?: unknown };
  } catch (e) {
    if (e instanceof PackageError) throw new CatalogError(`${where}/${basename(source)}: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && !FROM_SOURCE) {
      throw new CatalogError(`${where}/package.ts is not compiled: run npm run compile (or npm run build), or put the compiled package.js in the folder`);
    }
    throw new CatalogError(`${where}/${basename(source)} failed to load: ${(e as Error).message}`);
  }
  // A CommonJS package.js without the __esModule flag arrives wrapped once more by the interop.
  const exported = loaded.default as { default?: unknown } | undefined;
  const pkg = (exported && typeof exported === 'object' && !('build' in exported) && 'default' in exported ? exported.default : exported) as
    | PackageDefinition
    | undefined;
  if (!pkg || typeof pkg !== 'object' || typeof pkg.build !== 'function') {
    throw new CatalogError(`${where}/${basename(source)}: must export default definePackage({...})`);
  }
  const folder = dir.split(/[\\/]/).pop();
  if (pkg.name !== folder) throw new CatalogError(`${where}/${basename(source)}: package name '${pkg.name}' must equal its folder name '${folder}'`);
  const iconFile = join(dir, pkg.icon);
  if (!existsSync(iconFile)) throw new CatalogError(`${where}: icon '${pkg.icon}' not found in the package folder`);
  const icon = readFileSync(iconFile, 'utf8');
  if (!/^\s*<svg[\s>]/.test(icon.replace(/<\?xml[^>]*>/, ''))) throw new CatalogError(`${where}/${pkg.icon}: is not an SVG document`);
  return {
    dir,
    pkg,
    icon,
    assets: {
      readmeTemplate: readOptional(join(dir, 'README.md.hbs')),
      notesTemplate: readOptional(join(dir, 'NOTES.txt.hbs')),
      changelog: readOptional(join(dir, 'CHANGELOG.md')),
    },
  };
}

/** Every package folder of the catalog, sorted by name. */
export function packageDirs(catalogDir: string): string[] {
  if (!existsSync(catalogDir)) throw new CatalogError(`catalog folder ${catalogDir} does not exist`);
  return readdirSync(catalogDir)
    .filter((name) => statSync(join(catalogDir, name)).isDirectory())
    .sort()
    .map((name) => join(catalogDir, name));
}

export async function loadCatalog(catalogDir = join(PROJECT_ROOT, 'catalog'), only?: readonly string[]): Promise<LoadedPackage[]> {
  const dirs = packageDirs(catalogDir);
  const names = dirs.map((d) => d.split(/[\\/]/).pop()!);
  for (const wanted of only ?? []) {
    if (!names.includes(wanted)) throw new CatalogError(`no package '${wanted}' in the catalog; available: ${names.join(', ')}`);
  }
  const selected = only?.length ? dirs.filter((d, i) => only.includes(names[i])) : dirs;
  return Promise.all(selected.map(loadPackage));
}
