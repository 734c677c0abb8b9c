/**
 * One actionable line per failure; stack traces only for bugs in hearth itself (HEARTH_DEBUG=1).
 */
import { PackageError } from '../../constructs/package';
import { CompileError } from '../../constructs/compiler/tree';
import { RenderFailure } from '../../constructs/expr/functions';
import { ValuesError } from '../../constructs/values/validate';
import { CatalogError } from './catalog';
import { SetSyntaxError } from './set-values';
import { CheckError } from './check';
import { ValuesFileError } from './values-files';
import { ArchiveError } from './archive';
import { RegistryError } from './registry-target';
import { VersionError } from './versions';
import { FluxError } from './flux';
import { KustomizeError } from './kustomize';

const EXPECTED = [PackageError, CompileError, RenderFailure, ValuesError, CatalogError, SetSyntaxError, ValuesFileError, CheckError, ArchiveError, RegistryError, VersionError, FluxError, KustomizeError];

export function reportError(error: unknown): string {
  if (EXPECTED.some((kind) => error instanceof kind)) return `hearth: ${(error as Error).message}`;
  if (process.env.HEARTH_DEBUG) return `hearth: internal error: ${(error as Error).stack ?? String(error)}`;
  return `hearth: internal error: ${(error as Error)?.message ?? String(error)} (set HEARTH_DEBUG=1 for details)`;
}
