/** The project root: the nearest folder above this module holding package.json (sources or dist/). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECT_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = join(dir, '..');
    // Not inside a project (e.g. bundled elsewhere): paths then resolve from the working folder.
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
})();
