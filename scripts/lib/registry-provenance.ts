/**
 * Helm provenance files (`<chart>.tgz.prov`) for hearth's own archives. `helm package --sign`
 * would rebuild the archive (not reproducibly), so hearth writes the same file format itself and
 * lets gnupg sign it: a PGP clear-signed message holding the chart's Chart.yaml metadata, the YAML
 * document-end marker `...`, then `files:` with the archive's file name and `sha256:` digest.
 * `helm verify`, `helm pull --verify` and `helm install --verify` check the signature and the
 * digest. Helm 3 reads RSA keys only; Helm 4 also reads ed25519.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ChartArchive } from './archive';
import { RegistryError } from './registry-target';

export interface SigningKey {
  /** Key name, e-mail or fingerprint, as `gpg --local-user` takes it. */
  readonly key: string;
  /**
   * A file with the secret key (`gpg --export-secret-keys` output, what `helm package --keyring`
   * takes); imported into a throw-away gnupg home.
   * @default the gnupg home of the user ($GNUPGHOME or ~/.gnupg)
   */
  readonly keyring?: string;
  /**
   * Passphrase of the key.
   * @default $HELM_KEY_PASSPHRASE (the variable helm reads), else none (an unprotected key or a running gpg-agent)
   */
  readonly passphrase?: string;
  /** Environment for gpg (e.g. GNUPGHOME). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The text that gets signed: metadata (keys sorted, as helm marshals it), `...`, the file digest. */
export function provenanceMessage(archive: ChartArchive): string {
  const metadata = stringify(archive.metadata, { sortMapEntries: true, lineWidth: 0 });
  const files = stringify({ files: { [archive.fileName]: `sha256:${archive.sha256}` } });
  // YAML's `---` cannot start a line in a clear-signed block; helm separates with `...` instead.
  return `${metadata}\n...\n${files}`;
}

function gpg(args: readonly string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.HEARTH_GPG ?? 'gpg', ['--batch', '--yes', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new RegistryError('--sign needs gpg (the Debian package gnupg), which is not on PATH') : e),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).at(-1) ?? '';

/** Signs provenance files with gnupg. Call `close()` when done (removes a throw-away home). */
export class ProvenanceSigner {
  private home?: string;
  private ready?: Promise<NodeJS.ProcessEnv>;

  constructor(private readonly signing: SigningKey) {}

  private environment(): Promise<NodeJS.ProcessEnv> {
    this.ready ??= (async () => {
      const env = { ...(this.signing.env ?? process.env) };
      if (!this.signing.keyring) return env;
      this.home = mkdtempSync(join(tmpdir(), 'hearth-gnupg-'));
      env.GNUPGHOME = this.home;
      const imported = await gpg(['--import', this.signing.keyring], env);
      if (imported.code !== 0) throw new RegistryError(`--keyring ${this.signing.keyring}: gpg cannot import it (${lastLine(imported.stderr)})`);
      return env;
    })();
    return this.ready;
  }

  /** The clear-signed `.prov` text for an archive. */
  async sign(archive: ChartArchive): Promise<string> {
    const env = await this.environment();
    const work = mkdtempSync(join(tmpdir(), 'hearth-prov-'));
    try {
      const message = join(work, 'message');
      writeFileSync(message, provenanceMessage(archive));
      const passphrase = this.signing.passphrase ?? process.env.HELM_KEY_PASSPHRASE;
      const pass = passphrase === undefined ? [] : ['--pinentry-mode', 'loopback', '--passphrase-fd', '0'];
      const signed = await gpg([...pass, '--armor', '--digest-algo', 'SHA512', '--local-user', this.signing.key, '--output', '-', '--clearsign', message], env, passphrase ?? '');
      if (signed.code !== 0 || !signed.stdout.includes('BEGIN PGP SIGNATURE')) {
        const why = /no secret key|not found|unusable/i.test(signed.stderr) ? `gpg has no usable secret key "${this.signing.key}"` : `gpg failed: ${lastLine(signed.stderr)}`;
        throw new RegistryError(`cannot sign ${archive.fileName}: ${why}`);
      }
      return signed.stdout;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** Stops the gpg-agent of a throw-away home and removes it. */
  async close(): Promise<void> {
    if (!this.home) return;
    const home = this.home;
    this.home = undefined;
    await new Promise<void>((resolve) => {
      const child = spawn('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home }, stdio: 'ignore' });
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
    rmSync(home, { recursive: true, force: true });
  }
}
