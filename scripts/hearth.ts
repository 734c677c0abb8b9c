#!/usr/bin/env node
/**
 * The `hearth` command. Each subcommand lives in scripts/commands/<name>.ts and registers itself.
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { PROJECT_ROOT } from './lib/catalog';
import { reportError } from './lib/errors';
import * as build from './commands/build';
import * as check from './commands/check';
import * as render from './commands/render';
import * as packageCommand from './commands/package';
import * as publish from './commands/publish';
import * as versions from './commands/versions';
import * as flux from './commands/flux';
import * as kustomize from './commands/kustomize';

/** Command modules, in the order `hearth --help` lists them. */
const COMMANDS: readonly { register(program: Command): void }[] = [build, render, check, packageCommand, publish, versions, flux, kustomize];

const program = new Command()
  .name('hearth')
  .description('Typed packages → versioned Helm charts, checked with real helm.')
  .option('--catalog <dir>', 'catalog folder', join(PROJECT_ROOT, 'catalog'))
  .showHelpAfterError();

for (const command of COMMANDS) command.register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${reportError(error)}\n`);
  process.exitCode = 1;
});
