/** Docs: the README's parameters table is the schema, row for row. */
import { parameterRowsOf, type ParameterRow } from '../../../constructs/values/derive';
import type { JsonSchemaNode } from '../../../constructs/values/schema';
import { chartSchema } from './schema';
import { type Rule } from './rule';
import { isPlainObject } from '../../../constructs/util/json';

const README = 'README.md';
const HEADER = /^\|\s*Key\s*\|\s*Type\s*\|\s*Default\s*\|\s*Description\s*\|\s*$/;

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#x27;': "'", '&#x60;': '`', '&#x3D;': '=' };

function decode(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#x27|#x60|#x3D);/g, (m) => ENTITIES[m] ?? m);
}

/** Splits a Markdown table row on unescaped pipes. */
function cells(line: string): string[] {
  const parts = line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/);
  return parts.map((p) => p.trim().replace(/\\\|/g, '|'));
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

/** The rows of the README's parameters table, or undefined when it has none. */
export function readmeParameterRows(readme: string): ParameterRow[] | undefined {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => HEADER.test(l));
  if (start < 0) return undefined;
  const rows: ParameterRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [path = '', type = '', def = '', description = ''] = cells(line);
    rows.push({ path: decode(unquote(path)), type: decode(type), default: unquote(def), description });
  }
  return rows;
}

export const DOCS_RULES: readonly Rule[] = [
  {
    id: 'docs.parameters-table',
    rationale: 'The README is what users read before installing; every value must be documented and no row may describe a value that is gone.',
    fix: 'Regenerate README.md with hearth build; keep the {{> parameters}} partial in README.md.hbs.',
    *check(subject) {
      const schema = chartSchema(subject);
      const readme = subject.files[README];
      if (!schema) return;
      if (readme === undefined) {
        yield { object: README, message: 'is missing' };
        return;
      }
      const documented = readmeParameterRows(readme);
      if (!documented) {
        yield { object: README, message: 'has no parameters table (| Key | Type | Default | Description |)' };
        return;
      }
      const { global: _global, ...properties } = isPlainObject(schema.properties) ? schema.properties : {};
      const expected = parameterRowsOf({ ...(schema as JsonSchemaNode), properties: properties as Record<string, JsonSchemaNode> });
      const byPath = new Map(documented.map((r) => [r.path, r]));
      for (const row of expected) {
        const doc = byPath.get(row.path);
        if (!doc) {
          yield { object: README, path: row.path, message: 'is not documented in the parameters table' };
          continue;
        }
        const description = row.description.replace(/\n/g, ' ');
        if (doc.type !== row.type) yield { object: README, path: row.path, message: `documents type ${doc.type}; the schema says ${row.type}` };
        if (doc.default !== row.default) yield { object: README, path: row.path, message: `documents default ${doc.default}; the schema says ${row.default}` };
        if (doc.description !== description) yield { object: README, path: row.path, message: 'documents a description that differs from the schema\'s' };
      }
      const known = new Set(expected.map((r) => r.path));
      for (const row of documented) if (!known.has(row.path)) yield { object: README, path: row.path, message: 'is documented but not in the schema (stale row)' };
    },
  },
];
