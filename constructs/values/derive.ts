/**
 * Everything derived from one values schema: defaults, values.schema.json, values.yaml, the
 * parameters table. One source of truth, so chart, schema, docs and catalog cannot drift.
 */
import { Document, isMap as isYamlMap, isPair, isScalar, type Pair } from 'yaml';
import { isMap, type JsonSchemaNode } from './schema';

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** The `global` key Helm injects into every chart's values; strict roots must declare it. */
const GLOBAL_PROPERTY: JsonSchemaNode = {
  type: 'object',
  description: 'Values shared with subcharts (Helm injects this key into every chart).',
  default: {},
  additionalProperties: true,
};

/** The defaults of a schema, in declaration order (object defaults come from their children). */
export function defaultsOf(node: JsonSchemaNode): unknown {
  if (node.type === 'object' && node.properties && !isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.properties)) {
      if (!(node.required ?? []).includes(key) && child.default === undefined) continue;
      out[key] = defaultsOf(child);
    }
    return out;
  }
  return structuredClone(node.default);
}

/** Problems that make a schema unfit for a chart; each names the JSON path. */
export function lintValuesSchema(root: JsonSchemaNode): string[] {
  const problems: string[] = [];
  const visit = (node: JsonSchemaNode, path: string, inItem: boolean): void => {
    const where = path || '(root)';
    if (!node.type) problems.push(`${where}: has no 'type'`);
    if (path && !node.description) problems.push(`${where}: has no 'description'`);
    if (node.type === 'object' && node.properties && !isMap(node)) {
      if (node.additionalProperties !== false) problems.push(`${where}: object must set additionalProperties: false`);
      for (const [key, child] of Object.entries(node.properties)) {
        const optional = !(node.required ?? []).includes(key);
        if (optional && !inItem) problems.push(`${where}.${key}: only keys inside map or list items may be optional`);
        visit(child, path ? `${path}.${key}` : key, inItem);
      }
      return;
    }
    if (path && node.default === undefined) problems.push(`${where}: has no 'default'`);
    if (isMap(node) && typeof node.additionalProperties === 'object') visit(node.additionalProperties, `${path}.*`, true);
    if (node.type === 'array' && node.items) visit(node.items, `${path}[]`, true);
  };
  visit(root, '', false);
  return problems;
}

/** values.schema.json: draft-07, strict, with the open `global` key at the root. */
export function chartSchemaOf(root: JsonSchemaNode): Record<string, unknown> {
  const { properties, required, ...rest } = root;
  return {
    $schema: DRAFT_07,
    ...rest,
    type: 'object',
    additionalProperties: false,
    properties: { ...properties, global: GLOBAL_PROPERTY },
    required: [...(required ?? [])],
  };
}

/** values.yaml: the defaults, in order, each key preceded by its description as a comment. */
export function valuesYamlOf(root: JsonSchemaNode, header: string): string {
  const doc = new Document(defaultsOf(root), { version: '1.1' });
  doc.commentBefore = header;
  const annotate = (yamlNode: unknown, schema: JsonSchemaNode, first: boolean): void => {
    if (!isYamlMap(yamlNode) || !schema.properties || isMap(schema)) return;
    for (const [index, item] of yamlNode.items.entries()) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const pair = item as Pair;
      const child = schema.properties[String((pair.key as { value: unknown }).value)];
      if (!child) continue;
      const text = describe(child);
      (pair.key as { commentBefore?: string }).commentBefore = text;
      if (index > 0 || !first) (pair.key as { spaceBefore?: boolean }).spaceBefore = schema === root;
      annotate(pair.value, child, false);
    }
  };
  annotate(doc.contents, root, true);
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

function describe(node: JsonSchemaNode): string {
  const lines = [` ${node.description ?? ''}`];
  if (Array.isArray(node.enum)) lines.push(` Allowed: ${node.enum.map(String).join(', ')}.`);
  if (node.minimum !== undefined && node.maximum !== undefined) lines.push(` Range: ${node.minimum}..${node.maximum}.`);
  return lines.join('\n');
}

/** One row of the README parameters table. */
export interface ParameterRow {
  readonly path: string;
  readonly type: string;
  readonly description: string;
  readonly default: string;
}

/** The parameters table: every leaf and every map/list, with its path, type, description, default. */
export function parameterRowsOf(root: JsonSchemaNode): ParameterRow[] {
  const rows: ParameterRow[] = [];
  const visit = (node: JsonSchemaNode, path: string): void => {
    if (node.type === 'object' && node.properties && !isMap(node)) {
      for (const [key, child] of Object.entries(node.properties)) visit(child, path ? `${path}.${key}` : key);
      return;
    }
    rows.push({ path, type: typeLabel(node), description: node.description ?? '', default: JSON.stringify(node.default) });
    const item = isMap(node) ? (node.additionalProperties as JsonSchemaNode) : node.type === 'array' ? node.items : undefined;
    if (item?.type === 'object' && item.properties) {
      const prefix = isMap(node) ? `${path}.<name>` : `${path}[]`;
      for (const [key, child] of Object.entries(item.properties)) visit(child, `${prefix}.${key}`);
    }
  };
  visit(root, '');
  return rows;
}

function typeLabel(node: JsonSchemaNode): string {
  if (Array.isArray(node.enum)) return `enum`;
  if (node['x-hearth-format'] === 'quantity') return 'quantity';
  if (isMap(node)) return 'map';
  if (node.type === 'array') return `list`;
  return node.type ?? 'any';
}
