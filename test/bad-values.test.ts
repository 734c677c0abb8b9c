/**
 * The bad-input corpus of every catalog package (catalog/<name>/bad-values.yaml): each case is
 * refused by hearth's values validation at its path AND by real `helm template -f` on Helm 3 and
 * Helm 4, whose errors name that path. And the converse: template-injection text that is a legal
 * value of a free-text field comes out of helm verbatim, never evaluated.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeValues, renderConcrete } from '../constructs/compiler/render';
import { RenderFailure } from '../constructs/expr/functions';
import { defaultsOf } from '../constructs/values/derive';
import { DNS_LABEL_PATTERN, isMap, type JsonSchemaNode } from '../constructs/values/schema';
import { ValuesError } from '../constructs/values/validate';
import { BAD_VALUES_FILE, helmNamesPath, MIN_BAD_VALUES_CASES, parseBadValues } from '../scripts/lib/bad-values';
import { PATTERNED_CANDIDATES } from '../scripts/lib/sample-values';
import { runHelm } from '../scripts/lib/helm';
import { HELM_MAJORS, helmTemplate, packagesUnderTest, pool, tempDir } from './support/charts';

const packages = await packagesUnderTest();
const catalog = packages.filter((p) => !p.loaded.dir.includes(join('test', 'fixtures')));

/** Go template text that would read a Secret if a chart ever evaluated a value. */
export const INJECTION = '{{ lookup "v1" "Secret" "kube-system" "x" }}';

describe('bad-values corpus', () => {
  it('every catalog package ships one', () => {
    expect(catalog.length).toBeGreaterThan(0);
    expect(catalog.filter((p) => !existsSync(join(p.loaded.dir, BAD_VALUES_FILE))).map((p) => p.loaded.pkg.name)).toEqual([]);
  });

  for (const built of catalog) {
    const name = built.loaded.pkg.name;
    const file = join(built.loaded.dir, BAD_VALUES_FILE);
    if (!existsSync(file)) continue;
    const corpus = parseBadValues(readFileSync(file, 'utf8'));

    describe(name, () => {
      it(`is well-formed, with at least ${MIN_BAD_VALUES_CASES} distinct cases`, () => {
        expect(corpus.problems).toEqual([]);
        expect(corpus.cases.length).toBeGreaterThanOrEqual(MIN_BAD_VALUES_CASES);
        // eslint-disable-next-line no-console
        console.log(`bad-values ${name}: ${corpus.cases.length} cases`);
      });

      it('hearth\'s validation refuses every case at its path', () => {
        const wrong: string[] = [];
        for (const c of corpus.cases) {
          try {
            mergeValues(built.compiled, c.values);
            wrong.push(`${c.case}: accepted`);
          } catch (e) {
            if (!(e instanceof ValuesError)) throw e;
            if (!e.problems.some((p) => p.path === c.path)) wrong.push(`${c.case}: refused at ${e.problems.map((p) => p.path || '(root)').join(', ')}, not ${c.path}`);
          }
        }
        expect(wrong).toEqual([]);
      });

      it('helm 3 and helm 4 refuse every case and name its path', async () => {
        const dir = tempDir('hearth-bad-values-');
        const runs = corpus.cases.flatMap((c, i) => {
          const values = join(dir, `case-${i}.yaml`);
          writeFileSync(values, c.yaml);
          return HELM_MAJORS.map((major) => ({ c, major, values }));
        });
        const wrong: string[] = [];
        await pool(runs, 2, async ({ c, major, values }) => {
          const r = await runHelm(major, ['template', 'bad', built.chartDir, '-f', values]);
          if (r.code === 0) wrong.push(`helm ${major}, ${c.case}: accepted`);
          else if (!helmNamesPath(r.stderr, c.path, major)) wrong.push(`helm ${major}, ${c.case}: does not name ${c.path}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        });
        expect(wrong.sort()).toEqual([]);
      });
    });
  }
});

/** A free-text leaf, and the user values that set it: `plain` alone, `active` with its feature switched on. */
interface TextLeaf {
  readonly path: string;
  readonly plain: Record<string, unknown>;
  readonly active: Record<string, unknown>;
}

function acceptsText(node: JsonSchemaNode, text: string): boolean {
  const length = [...text].length;
  return node.type === 'string' && !Array.isArray(node.enum)
    && (node.minLength === undefined || length >= node.minLength) && (node.maxLength === undefined || length <= node.maxLength)
    && (node.pattern === undefined || new RegExp(node.pattern, 'u').test(text));
}

/**
 * The values that switch on the feature a leaf belongs to: its sibling booleans true, sibling
 * free-text fields set to the same text, empty patterned siblings (e.g. a destination URL) filled
 * with a candidate the pattern accepts.
 */
function activation(parent: JsonSchemaNode, text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(parent.properties ?? {})) {
    if (child.type === 'boolean') out[k] = true;
    else if (acceptsText(child, text)) out[k] = text;
    else if (child.type === 'string' && child.default === '' && child.pattern !== undefined && !Array.isArray(child.enum)) {
      const candidate = PATTERNED_CANDIDATES.find((c) => c !== '' && new RegExp(child.pattern!, 'u').test(c));
      if (candidate !== undefined) out[k] = candidate;
    }
  }
  return out;
}

/** Every leaf of a values schema that takes `text` as a legal value. */
function textLeaves(schema: JsonSchemaNode, text: string): TextLeaf[] {
  const out: TextLeaf[] = [];
  type Wrap = (v: unknown, active: boolean) => unknown;
  const visit = (node: JsonSchemaNode, path: string, wrap: Wrap, fresh: boolean) => {
    if (node.type === 'object' && node.properties && !isMap(node)) {
      // Inside a fresh map entry or list item the siblings are not merged from defaults: give them.
      const base = fresh ? (defaultsOf(node) as Record<string, unknown>) : {};
      for (const [k, child] of Object.entries(node.properties)) {
        const at = path ? `${path}.${k}` : k;
        if (acceptsText(child, text)) {
          out.push({ path: at, plain: wrap({ ...base, [k]: text }, false) as Record<string, unknown>, active: wrap({ ...base, ...activation(node, text), [k]: text }, true) as Record<string, unknown> });
        } else {
          visit(child, at, (v, active) => wrap({ ...base, ...(active && node.properties?.enabled?.type === 'boolean' ? { enabled: true } : {}), [k]: v }, active), false);
        }
      }
      return;
    }
    if (isMap(node) && typeof node.additionalProperties === 'object') {
      const item = node.additionalProperties;
      const key = ['inj', 'a', 'x'].find((k) => new RegExp(node.propertyNames?.pattern ?? DNS_LABEL_PATTERN, 'u').test(k)) ?? 'inj';
      if (acceptsText(item, text)) out.push({ path: `${path}.<${key}>`, plain: wrap({ [key]: text }, false) as Record<string, unknown>, active: wrap({ [key]: text }, true) as Record<string, unknown> });
      else visit(item, `${path}.<${key}>`, (v, active) => wrap({ [key]: v }, active), true);
    }
    if (node.type === 'array' && node.items) {
      if (acceptsText(node.items, text)) out.push({ path: `${path}[0]`, plain: wrap([text], false) as Record<string, unknown>, active: wrap([text], true) as Record<string, unknown> });
      else visit(node.items, `${path}[0]`, (v, active) => wrap([v], active), true);
    }
  };
  visit(schema, '', (v) => v, false);
  return out;
}

/** Every string in the objects, plus the decoded `data` of Secrets. */
function* strings(value: unknown, secretData = false): Generator<string> {
  if (typeof value === 'string') {
    yield value;
    if (secretData) yield Buffer.from(value, 'base64').toString('utf8');
  } else if (Array.isArray(value)) {
    for (const v of value) yield* strings(v);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) yield* strings(v, o.kind === 'Secret' && (k === 'data' || k === 'stringData') ? true : secretData && k !== 'metadata');
  }
}

describe('template injection in legal values', () => {
  for (const built of packages) {
    const name = built.compiled.pkg.name;
    it(`${name}: ${INJECTION} in any free-text value comes out of helm 3 and 4 verbatim`, async () => {
      // Per leaf, the value set whose concrete render shows the text: alone, or with its feature on.
      const surfaces = (values: Record<string, unknown>): boolean | undefined => {
        try {
          return renderConcrete(built.compiled, values).some((o) => [...strings(o)].some((s) => s.includes(INJECTION)));
        } catch (e) {
          // A value set another rule of the schema or the templates refuses is not a legal value.
          if (e instanceof ValuesError || e instanceof RenderFailure) return undefined;
          throw e;
        }
      };
      const leaves = textLeaves(built.compiled.schema, INJECTION).flatMap((leaf) => {
        const plain = surfaces(leaf.plain);
        if (plain) return [{ path: leaf.path, values: leaf.plain }];
        if (surfaces(leaf.active)) return [{ path: leaf.path, values: leaf.active }];
        return plain === undefined ? [] : [{ path: leaf.path, values: leaf.plain }];
      });
      const runs = leaves.flatMap((leaf) => HELM_MAJORS.map((major) => ({ leaf, major })));
      const wrong: string[] = [];
      await pool(runs, 2, async ({ leaf, major }) => {
        const r = await helmTemplate(major, built.chartDir, leaf.values);
        if (!r.ok) {
          wrong.push(`helm ${major}, ${leaf.path}: ${r.error}`);
          return;
        }
        const found = r.objects.some((o) => [...strings(o)].some((s) => s.includes(INJECTION)));
        if (!found) wrong.push(`helm ${major}, ${leaf.path}: the text does not appear verbatim in any rendered object`);
      });
      // eslint-disable-next-line no-console
      console.log(`injection ${name}: ${leaves.length} free-text values (${leaves.map((l) => l.path).join(', ') || 'none'})`);
      expect(wrong.sort()).toEqual([]);
    });
  }
});
