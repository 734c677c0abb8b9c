/**
 * Chart README and NOTES.txt, rendered from Handlebars templates. A package author writes prose
 * once (`README.md.hbs`, `NOTES.txt.hbs` in the package folder); tables come from the schema.
 */
import Handlebars from 'handlebars';
import type { ParameterRow } from '../values/derive';

/** Used when a package has no README.md.hbs of its own. */
export const DEFAULT_README = `# {{name}}

{{description}}

| | |
|---|---|
| Chart version | \`{{version}}\` |
| App version | \`{{appVersion}}\` |
| Kubernetes | \`{{kubeVersion}}\` |
| Kind | {{kind}} |

## Install

\`\`\`sh
helm install my-{{name}} oci://REGISTRY/hearth/{{name}} --version {{version}}
\`\`\`

{{> parameters}}
`;

const PARAMETERS = `## Parameters

| Key | Type | Default | Description |
|---|---|---|---|
{{#each parameters}}
| \`{{path}}\` | {{type}} | \`{{{default}}}\` | {{{description}}} |
{{/each}}
`;

/** What README templates can use. */
export interface ReadmeContext {
  readonly name: string;
  readonly version: string;
  readonly appVersion: string;
  readonly kubeVersion: string;
  readonly kind: string;
  readonly description: string;
  readonly parameters: readonly ParameterRow[];
  readonly images: readonly { readonly name: string; readonly image: string }[];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const hb = Handlebars.create();
hb.registerPartial('parameters', PARAMETERS);
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Templates are compiled once per source text and options (a catalog shares most of them). */
function template(source: string, noEscape: boolean): HandlebarsTemplateDelegate {
  const key = `${noEscape ? 1 : 0}${source}`;
  let t = compiled.get(key);
  if (!t) {
    t = hb.compile(source, { strict: true, noEscape });
    compiled.set(key, t);
  }
  return t;
}

export function renderReadme(readmeTemplate: string | undefined, context: ReadmeContext, marker: string): string {
  const rows = context.parameters.map((r) => ({ ...r, description: escapeCell(r.description), default: escapeCell(r.default) }));
  const text = template(readmeTemplate ?? DEFAULT_README, false)({ ...context, parameters: rows });
  return `${text.trimEnd()}\n\n<!-- ${marker} -->\n`;
}

/**
 * NOTES.txt is itself a Go template: Handlebars fills in Go-template snippets (`{{{fullname}}}`)
 * so authors never write Go templates by hand.
 */
export function renderNotes(notesTemplate: string, chart: string, marker: string): string {
  const context = {
    name: chart,
    fullname: `{{ include "${chart}.fullname" . }}`,
    release: '{{ .Release.Name }}',
    namespace: '{{ .Release.Namespace }}',
  };
  const body = template(notesTemplate, true)(context);
  return `{{- /* ${marker} */ -}}\n${body.trimEnd()}\n`;
}
