/**
 * Named helpers (`_helpers.tpl`), each with its Go `define` and its concrete twin.
 *
 * `stablePassword` is the only place `lookup` may appear: it keeps a generated password stable
 * across upgrades, and falls back to a fresh random one where lookup returns nothing
 * (`helm template`, `--dry-run=client`, first install).
 */
import { createHash, randomInt } from 'node:crypto';
import { goLen, goString } from '../expr/functions';
import type { EvalEnv } from '../expr/evaluate';

/** Kubernetes names are DNS-1123 labels of at most 63 characters. */
export const MAX_NAME = 63;
/** Helm refuses release names longer than this. */
export const MAX_RELEASE_NAME = 53;
/** Length of a generated password (alphanumerics). */
export const GENERATED_PASSWORD_LENGTH = 32;

export interface HelperSpec {
  /** The Go template body (inside `define`); `P` stands for the chart's helper prefix. */
  readonly define: (prefix: string) => string;
  readonly eval: (env: EvalEnv, args: readonly unknown[]) => unknown;
}

/** Deterministic fit to 63 characters: keep 54, then '-' and 8 hex digits of the full name's sha256. */
export function fitName(name: string): string {
  if (goLen(name) <= MAX_NAME) return name;
  let head = Buffer.from(name, 'utf8').subarray(0, 54).toString('utf8');
  if (head.endsWith('-')) head = head.slice(0, -1);
  return `${head}-${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8)}`;
}

export function fullnameOf(release: string, chart: string): string {
  return fitName(release.includes(chart) ? release : `${release}-${chart}`);
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomPassword(): string {
  let out = '';
  for (let i = 0; i < GENERATED_PASSWORD_LENGTH; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export const HELPERS: Record<string, HelperSpec> = {
  fit: {
    define: () => `{{- if gt (len .) ${MAX_NAME} -}}
{{- printf "%s-%s" (trunc 54 . | trimSuffix "-") (sha256sum . | trunc 8) -}}
{{- else -}}
{{- . -}}
{{- end -}}`,
    eval: (_env, [name]) => fitName(goString(name)),
  },
  fullname: {
    define: (p) => `{{- if contains .Chart.Name .Release.Name -}}
{{- include "${p}.fit" .Release.Name -}}
{{- else -}}
{{- include "${p}.fit" (printf "%s-%s" .Release.Name .Chart.Name) -}}
{{- end -}}`,
    eval: (env) => fullnameOf(env.release.Name, env.chart.Name),
  },
  name: {
    define: (p) => `{{- $parts := list (include "${p}.fullname" (first .)) -}}
{{- range $part := rest . -}}
{{- $parts = append $parts $part -}}
{{- end -}}
{{- include "${p}.fit" (join "-" $parts) -}}`,
    eval: (env, parts) => fitName([fullnameOf(env.release.Name, env.chart.Name), ...parts.map(goString)].join('-')),
  },
  stablePassword: {
    define: () => `{{- $root := index . 0 -}}
{{- $secretName := index . 1 -}}
{{- $key := index . 2 -}}
{{- $given := index . 3 -}}
{{- if $given -}}
{{- $given -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" $root.Release.Namespace $secretName -}}
{{- if and $existing (hasKey (default (dict) (index $existing "data")) $key) -}}
{{- index $existing "data" $key | b64dec -}}
{{- else -}}
{{- randAlphaNum ${GENERATED_PASSWORD_LENGTH} -}}
{{- end -}}
{{- end -}}`,
    eval: (_env, [, , given]) => (given ? goString(given) : randomPassword()),
  },
};

/** The chart's `_helpers.tpl`. */
export function helpersTpl(prefix: string, header: string): string {
  const blocks = Object.entries(HELPERS).map(
    ([name, spec]) => `{{- define "${prefix}.${name}" -}}\n${spec.define(prefix)}\n{{- end -}}\n`,
  );
  return `{{- /* ${header} */ -}}\n${blocks.join('\n')}`;
}

/** Concrete helper table for the evaluator. */
export const HELPER_EVALUATORS: Record<string, (env: EvalEnv, args: readonly unknown[]) => unknown> = Object.fromEntries(
  Object.entries(HELPERS).map(([name, spec]) => [name, spec.eval]),
);
