/**
 * A real OCI registry for the tests: the distribution registry (Debian package `docker-registry`)
 * on 127.0.0.1 with a throw-away storage folder, optionally behind htpasswd (bcrypt) auth. When
 * the binary is missing, `registrySkipNote` says so and the OCI suites are skipped with it.
 *
 * Also: an interrupting proxy (forwards to the real registry, but breaks chosen requests) to
 * exercise retries of pushes interrupted mid-way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { tempDir } from './charts';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

/** The registry binary: $HEARTH_DOCKER_REGISTRY, else `docker-registry` (Debian) or `registry` on PATH. */
export const registryBinary: string | undefined = (() => {
  // An explicit $HEARTH_DOCKER_REGISTRY is the only candidate (also how to see the skip path).
  const explicit = process.env.HEARTH_DOCKER_REGISTRY;
  const candidates = explicit !== undefined ? [explicit] : [onPath('docker-registry'), '/usr/bin/docker-registry', onPath('registry')];
  return candidates.find((c): c is string => Boolean(c) && existsSync(c!) && spawnSync(c!, ['--version'], { stdio: 'ignore' }).status === 0);
})();

export const registrySkipNote = registryBinary ? '' : ' (skipped: no docker-registry binary; apt-get install docker-registry or set HEARTH_DOCKER_REGISTRY)';

/** gpg, for the --sign tests. */
export const gpgBinary: string | undefined = spawnSync('gpg', ['--version'], { stdio: 'ignore' }).status === 0 ? 'gpg' : undefined;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly port: number;
  /** The storage root: tests compare it before and after a refused push. */
  readonly storage: string;
  readonly credentials?: Credentials;
  /** `oci://127.0.0.1:PORT/<namespace>` */
  url(namespace?: string): string;
  stop(): Promise<void>;
}

async function waitUntilServing(host: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${readFileSync(log, 'utf8').slice(-2000)}`);
    try {
      // 200 without auth, 401 with: either way the API answers.
      const response = await fetch(`http://${host}/v2/`);
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry did not answer on ${host} within 30 s: ${readFileSync(log, 'utf8').slice(-2000)}`);
}

/** Starts docker-registry on 127.0.0.1 with a temporary storage folder (and htpasswd auth if given). */
export async function startRegistry(options: { auth?: Credentials } = {}): Promise<RunningRegistry> {
  if (!registryBinary) throw new Error(`no docker-registry binary${registrySkipNote}`);
  const dir = tempDir('hearth-registry-');
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const auth = options.auth
    ? (() => {
        // bcrypt is the only hash docker-registry's htpasswd accepts.
        writeFileSync(join(dir, 'htpasswd'), `${options.auth.username}:${bcrypt.hashSync(options.auth.password, 8)}\n`);
        return ['auth:', '  htpasswd:', '    realm: hearth-test', `    path: ${join(dir, 'htpasswd')}`];
      })()
    : [];
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${storage}`, 'http:', `  addr: ${host}`, ...auth, ''].join('\n'),
  );
  const log = join(dir, 'registry.log');
  const fd = openSync(log, 'a');
  const child = spawn(registryBinary, ['serve', config], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  try {
    await waitUntilServing(host, child, log);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    host,
    port,
    storage,
    credentials: options.auth,
    url: (namespace = 'hearth') => `oci://${host}/${namespace}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads a manifest the way a client does (plain GET with the OCI accept header): digest + JSON. */
export async function readManifest(
  registry: RunningRegistry,
  repository: string,
  tag: string,
): Promise<{ readonly status: number; readonly digest?: string; readonly manifest?: { annotations?: Record<string, string>; layers: { mediaType: string; digest: string }[] } }> {
  const headers: Record<string, string> = { Accept: 'application/vnd.oci.image.manifest.v1+json' };
  if (registry.credentials) headers.Authorization = `Basic ${Buffer.from(`${registry.credentials.username}:${registry.credentials.password}`).toString('base64')}`;
  const response = await fetch(`http://${registry.host}/v2/${repository}/manifests/${tag}`, { headers });
  if (response.status !== 200) return { status: response.status };
  return { status: 200, digest: response.headers.get('docker-content-digest') ?? undefined, manifest: (await response.json()) as never };
}

/** A helm environment that reads no user registry config and no docker config. */
export function isolatedHelmEnv(): NodeJS.ProcessEnv {
  const dir = tempDir('hearth-helm-config-');
  return {
    ...process.env,
    HELM_REGISTRY_CONFIG: join(dir, 'registry', 'config.json'),
    DOCKER_CONFIG: join(dir, 'docker'),
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_DATA_HOME: join(dir, 'data'),
    KUBECONFIG: join(dir, 'kubeconfig'),
  };
}

/** How a matching request is broken: cut before it reaches the registry, or after the registry stored it. */
export type Interruption = 'before' | 'after';

export interface InterruptingProxy {
  readonly port: number;
  readonly host: string;
  /** Requests broken so far. */
  readonly broken: number;
  /** Stop breaking requests (the next attempt goes through). */
  heal(): void;
  stop(): Promise<void>;
}

/**
 * Forwards every request to the real registry, except that while not healed, a request for which
 * `breaks` names an interruption loses its connection: either before the registry sees it, or
 * after the registry has handled it but before the client hears the answer.
 */
export async function startInterruptingProxy(target: RunningRegistry, breaks: (req: IncomingMessage) => Interruption | undefined): Promise<InterruptingProxy> {
  let healed = false;
  let broken = 0;
  const server: Server = createHttpServer((req, res) => {
    const interruption = healed ? undefined : breaks(req);
    if (interruption === 'before') {
      broken++;
      req.socket.destroy();
      return;
    }
    const upstream = request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (interruption === 'after') {
        broken++;
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    host: `127.0.0.1:${port}`,
    get broken() {
      return broken;
    },
    heal: () => {
      healed = true;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
