/**
 * `npm run bench`: hearth's build against `helm package` of the same charts, in one process tree.
 *
 * 1. The catalog: `hearth build` (a whole CLI process) vs `helm package` of every chart (one helm
 *    process), median of several runs, with the ratio and the cost per package.
 * 2. Scale: N generated packages (N = 10, 100, 1000) built in-process with the same functions the
 *    CLI uses, then packaged by helm; time per package must stay flat.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePackage, type PackageDefinition } from '../constructs/package';
import { loadCatalog, PROJECT_ROOT, type LoadedPackage } from './lib/catalog';
import { buildPackage, writeOutput } from './lib/build';
import { helmBinary } from './lib/helm';

const RUNS = Number(process.env.HEARTH_BENCH_RUNS ?? 5);
const SCALES = (process.env.HEARTH_BENCH_SCALES ?? '10,100,1000').split(',').map(Number);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function run(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'hearth-bench-'));
}

function helmPackage(helm: string, chartDirs: readonly string[]): number {
  const out = temp();
  try {
    return timed(() => run(helm, ['package', ...chartDirs, '--destination', out]));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function fmt(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

async function catalogBench(helm: string): Promise<void> {
  const catalog = await loadCatalog();
  const cli = join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js');
  const buildTimes: number[] = [];
  const helmTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = temp();
    buildTimes.push(timed(() => run(process.execPath, [cli, 'build', '--out', out])));
    helmTimes.push(helmPackage(helm, catalog.map((l) => join(out, l.pkg.name))));
    rmSync(out, { recursive: true, force: true });
  }
  const build = median(buildTimes);
  const pack = median(helmTimes);
  console.log(`catalog (${catalog.length} packages, median of ${RUNS} runs)`);
  console.log(`  hearth build (whole CLI process): ${fmt(build)}  = ${fmt(build / catalog.length)} per package`);
  console.log(`  helm package (same charts):       ${fmt(pack)}  = ${fmt(pack / catalog.length)} per package`);
  console.log(`  ratio build / helm package:       ${(build / pack).toFixed(2)} (target <= 0.50)`);
}

/** N variants of the catalog's packages under distinct names. */
function generated(base: readonly LoadedPackage[], n: number): LoadedPackage[] {
  return Array.from({ length: n }, (_, i) => {
    const template = base[i % base.length];
    const pkg = definePackage({ ...(template.pkg as PackageDefinition), name: `gen-${i}-${template.pkg.name}`.slice(0, 40) });
    return { ...template, pkg };
  });
}

async function scaleBench(helm: string): Promise<void> {
  const base = await loadCatalog();
  console.log('scale (in-process build: compile, schema, docs, index, write)');
  console.log('      N   build total   per package   helm package   per package   ratio');
  for (const n of SCALES) {
    const packages = generated(base, n);
    const out = temp();
    const build = timed(() => writeOutput(out, packages.map(buildPackage)));
    const pack = helmPackage(helm, packages.map((p) => join(out, p.pkg.name)));
    rmSync(out, { recursive: true, force: true });
    console.log(
      `  ${String(n).padStart(5)}   ${fmt(build).padStart(11)}   ${fmt(build / n).padStart(11)}   ${fmt(pack).padStart(12)}   ${fmt(pack / n).padStart(11)}   ${(build / pack).toFixed(2)}`,
    );
  }
}

async function main(): Promise<void> {
  const helm = helmBinary(4) ?? helmBinary(3);
  if (!helm) throw new Error('no helm binary found (set $HELM or run npm ci)');
  console.log(`helm: ${helm}`);
  await catalogBench(helm);
  await scaleBench(helm);
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
