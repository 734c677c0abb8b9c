/** charts-out/index.json follows its documented schema and agrees with the charts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../scripts/lib/catalog';
import { createAjv } from '../constructs/values/validate';

const index = JSON.parse(readFileSync(join(PROJECT_ROOT, 'charts-out', 'index.json'), 'utf8')) as {
  packages: { name: string; version: string; values: Record<string, unknown> }[];
};
const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'catalog-index.schema.json'), 'utf8')) as Record<string, unknown>;

describe('catalog index', () => {
  it('validates against schemas/catalog-index.schema.json', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(index), JSON.stringify(validate.errors)).toBe(true);
  });

  it('lists every chart with the version and values schema of its Chart.yaml and values.schema.json', () => {
    for (const p of index.packages) {
      const chartYaml = readFileSync(join(PROJECT_ROOT, 'charts-out', p.name, 'Chart.yaml'), 'utf8');
      expect(chartYaml).toContain(`version: ${p.version}`);
      const chartSchema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'charts-out', p.name, 'values.schema.json'), 'utf8')) as Record<string, unknown>;
      const { $comment: _ignored, ...rest } = chartSchema;
      expect(p.values).toEqual(rest);
    }
  });

  it('carries values schemas that compile under ajv strict mode with the x-hearth keywords', () => {
    for (const p of index.packages) expect(() => createAjv().compile(p.values), p.name).not.toThrow();
  });
});
