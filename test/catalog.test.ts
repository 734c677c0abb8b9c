/**
 * The catalog loader: package folders with TypeScript sources or a compiled package.js, and one
 * clear line for each way a folder can be wrong.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../scripts/lib/catalog';
import { tempDir } from './support/charts';

const CLI = join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js');
const DIST = JSON.stringify(join(PROJECT_ROOT, 'dist'));

function hearth(args: readonly string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

/** A catalog outside the project holding one compiled package (a redis variant named `cache`). */
function externalCatalog(packageJs: string, withIcon = true): string {
  const catalog = tempDir('hearth-catalog-');
  const dir = join(catalog, 'cache');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.js'), packageJs);
  if (withIcon) copyFileSync(join(PROJECT_ROOT, 'catalog', 'redis', 'icon.svg'), join(dir, 'icon.svg'));
  return catalog;
}

const VALID = `const base = require(${DIST} + '/catalog/redis/package.js').default;
const { definePackage } = require(${DIST} + '/constructs');
module.exports = { default: definePackage({ ...base, name: 'cache' }) };
`;

describe('catalog loader', () => {
  it('builds a catalog outside the project from a compiled package.js', () => {
    const catalog = externalCatalog(VALID);
    const out = tempDir('hearth-out-');
    const r = hearth(['--catalog', catalog, 'build', '--out', out, '--lock', join(out, 'lock.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, 'cache', 'Chart.yaml'))).toBe(true);
    expect(existsSync(join(out, 'index.json'))).toBe(true);
  });

  it('names a folder without a package file', () => {
    const catalog = tempDir('hearth-catalog-');
    mkdirSync(join(catalog, 'empty'));
    const r = hearth(['--catalog', catalog, 'build', '--out', tempDir()]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/^hearth: .*empty: no package\.ts or package\.js/);
  });

  it('says what to export when the module does not export a package', () => {
    const r = hearth(['--catalog', externalCatalog('exports.default = 42;\n'), 'build', '--out', tempDir()]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/^hearth: .*cache\/package\.js: must export default definePackage\(\{\.\.\.\}\)$/);
  });

  it('refuses a package whose name differs from its folder', () => {
    const r = hearth(['--catalog', externalCatalog(VALID.replace("name: 'cache'", "name: 'other'")), 'build', '--out', tempDir()]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/package name 'other' must equal its folder name 'cache'/);
  });

  it('names a missing icon', () => {
    const r = hearth(['--catalog', externalCatalog(VALID, false), 'build', '--out', tempDir()]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/cache: icon 'icon\.svg' not found in the package folder$/);
  });

  it('lists every problem of an invalid definition in one report, naming the file', () => {
    const bad = `const base = require(${DIST} + '/catalog/redis/package.js').default;
const { definePackage } = require(${DIST} + '/constructs');
module.exports = { default: definePackage({ ...base, name: 'cache', version: 'one', kubeVersion: 'soon' }) };
`;
    const r = hearth(['--catalog', externalCatalog(bad), 'build', '--out', tempDir()]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cache\/package\.js/);
    expect(r.stderr).toMatch(/version: .*"one"/);
    expect(r.stderr).toMatch(/kubeVersion: .*"soon"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
