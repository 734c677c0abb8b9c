/** `hearth publish oci://HOST/NAMESPACE`: push every chart version the registry does not have yet. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PROJECT_ROOT } from '../lib/catalog';
import { formatPublishTable, publishCharts } from '../lib/publish';
import { parseOciTarget, RegistryError } from '../lib/registry-target';
import { collect } from './shared';

interface PublishFlags {
  readonly charts: string;
  readonly package: string[];
  readonly plainHttp?: boolean;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly sign?: boolean;
  readonly key?: string;
  readonly keyring?: string;
}

/** The password from stdin, without the newline `echo` or a here-string adds. */
function passwordFromStdin(): string {
  const text = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  if (!text) throw new RegistryError('--password-stdin: stdin was empty (pipe the password in, e.g. from a secret file)');
  return text;
}

export function register(program: Command): void {
  program
    .command('publish')
    .description('push every chart version not yet in the registry; skip identical ones, refuse to overwrite changed ones')
    .argument('<registry>', 'oci://HOST[:PORT]/NAMESPACE')
    .option('--charts <dir>', 'folder holding the built charts', join(PROJECT_ROOT, 'charts-out'))
    .option('-p, --package <name>', 'only this chart (repeatable)', collect, [])
    .option('--plain-http', 'use http instead of https (a local registry)')
    .option('--username <user>', 'log in as this user (with --password-stdin); otherwise helm and docker registry configs apply')
    .option('--password-stdin', 'read the password from stdin')
    .option('--sign', 'sign every pushed version: a Helm provenance (.prov) layer, made with gpg')
    .option('--key <name>', 'gpg key to sign with (name, e-mail or fingerprint; with --sign)')
    .option('--keyring <file>', 'secret keyring file holding the key (default: the gpg home; with --sign)')
    .action(async (registry: string, flags: PublishFlags) => {
      const target = parseOciTarget(registry);
      if (flags.username !== undefined && !flags.passwordStdin) throw new RegistryError('--username needs --password-stdin (passwords never go on the command line)');
      if (flags.passwordStdin && flags.username === undefined) throw new RegistryError('--password-stdin needs --username');
      if (flags.sign && !flags.key) throw new RegistryError('--sign needs --key NAME (the gpg key to sign with)');
      if (!flags.sign && (flags.key || flags.keyring)) throw new RegistryError('--key and --keyring only apply with --sign');
      const rows = await publishCharts({
        target,
        chartsDir: resolve(flags.charts),
        only: flags.package,
        plainHttp: flags.plainHttp ?? false,
        credentials: flags.username !== undefined ? { username: flags.username, password: passwordFromStdin() } : undefined,
        sign: flags.sign ? { key: flags.key!, keyring: flags.keyring && resolve(flags.keyring) } : undefined,
      });
      process.stdout.write(`${formatPublishTable(rows)}\n`);
      const pushed = rows.filter((r) => r.status === 'pushed').length;
      process.stderr.write(`published to ${target.url}: ${pushed} pushed, ${rows.length - pushed} skipped\n`);
    });
}
