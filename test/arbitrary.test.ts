import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import kitchenSink from './fixtures/kitchen-sink/package';
import { chartSchemaOf, defaultsOf } from '../constructs/values/derive';
import { toPlainSchema, v, type JsonSchemaNode } from '../constructs/values/schema';
import { coalesceValues, ValuesValidator } from '../constructs/values/validate';
import { isYamlSafeString, sampleValues, valuesArbitrary } from './support/arbitrary';

const RUNS = 300;

const kitchenSinkSchema = toPlainSchema(kitchenSink.values);

/** Every shape the `v` helpers can produce, with the constraints the kitchen sink leaves out. */
const edgeSchema = toPlainSchema(
  v.object(
    {
      free: v.string({ description: 'Unconstrained text.', default: '' }),
      tiny: v.string({ description: 'At most three characters.', default: 'ab', maxLength: 3 }),
      bounded: v.string({ description: 'Between four and eight characters.', default: 'abcd', minLength: 4, maxLength: 8 }),
      empty: v.string({ description: 'Always empty.', default: '', maxLength: 0 }),
      code: v.string({ description: 'A patterned code.', default: 'AB-12', pattern: '^[A-Z]{2}-[0-9]{1,4}$', maxLength: 6 }),
      size: v.quantity({ description: 'Optional size.', default: '', allowEmpty: true }),
      offset: v.integer({ description: 'Negative to positive.', default: 0, minimum: -50, maximum: 50 }),
      big: v.integer({ description: 'A wide range.', default: 0, minimum: -2_000_000_000, maximum: 2_000_000_000 }),
      fixed: v.integer({ description: 'One allowed value.', default: 7, minimum: 7, maximum: 7 }),
      temperature: v.number({ description: 'Signed fraction.', default: 0, minimum: -1.5, maximum: 2.25 }),
      nested: v.object(
        {
          deeper: v.object(
            {
              flag: v.boolean({ description: 'A flag.', default: true }),
              level: v.enum(['low', 'high'] as const, { description: 'A level.', default: 'low' }),
            },
            { description: 'Second level.' },
          ),
          name: v.string({ description: 'A name.', default: 'n', maxLength: 20 }),
        },
        { description: 'First level.' },
      ),
      tags: v.list(v.string({ description: 'A tag.', default: '', maxLength: 10 }), {
        description: 'Unique tags.',
        default: [],
        maxItems: 6,
        uniqueItems: true,
      }),
      disks: v.list(
        v.object(
          {
            name: v.string({ description: 'Disk name.', default: 'd', pattern: '^[a-z]{1,8}$' }),
            size: v.optional(v.quantity({ description: 'Disk size.', default: '1Gi' })),
            options: v.optional(
              v.object({ ro: v.boolean({ description: 'Read only.', default: false }) }, { description: 'Mount options.' }),
            ),
          },
          { description: 'A disk.' },
        ),
        { description: 'Unique disks.', default: [], uniqueItems: true },
      ),
      env: v.map(v.string({ description: 'Value.', default: '', maxLength: 30 }), {
        description: 'Environment variables.',
        default: {},
        keyPattern: '^[A-Z_][A-Z0-9_]*$',
      }),
      pools: v.map(v.list(v.integer({ description: 'Node.', default: 1, minimum: 1, maximum: 3 }), { description: 'Nodes.', default: [] }), {
        description: 'Pools of nodes.',
        default: { main: [1] },
        maxProperties: 2,
      }),
      accounts: v.map(
        v.object(
          {
            role: v.enum(['admin', 'reader'] as const, { description: 'Role.', default: 'reader' }),
            quota: v.optional(v.integer({ description: 'Quota.', default: 1, minimum: 0, maximum: 9 })),
          },
          { description: 'An account.' },
        ),
        { description: 'Accounts; root exists by default.', default: { root: { role: 'admin', quota: 9 } }, maxProperties: 3 },
      ),
    },
    { description: 'Edge-case values.' },
  ),
);

function validatorFor(schema: JsonSchemaNode): (user: Record<string, unknown>) => unknown[] {
  const validator = new ValuesValidator(chartSchemaOf(schema));
  const defaults = { ...(defaultsOf(schema) as Record<string, unknown>), global: {} };
  return (user) => validator.problems(coalesceValues(defaults, user));
}

/** Every string in a value tree, map keys included. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      stringsIn(item, out);
    }
  }
  return out;
}

describe('valuesArbitrary', () => {
  it.each([
    ['kitchen-sink', kitchenSinkSchema],
    ['edge-case', edgeSchema],
  ])('generates overrides that, merged onto the defaults, satisfy the %s chart schema', (_name, schema) => {
    const problemsOf = validatorFor(schema);
    fc.assert(
      fc.property(valuesArbitrary(schema), (user) => {
        expect(problemsOf(user)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves some keys to the chart defaults and fills some maps', () => {
    const samples = sampleValues(kitchenSinkSchema, RUNS, 1);
    const rootKeys = Object.keys(kitchenSinkSchema.properties ?? {});
    expect(samples.some((s) => rootKeys.some((k) => !(k in s)))).toBe(true);
    expect(samples.some((s) => rootKeys.every((k) => k in s))).toBe(true);
    expect(samples.some((s) => s.resources !== undefined && Object.keys(s.resources as object).length < 2)).toBe(true);
    const maps = samples.flatMap((s) => [s.labels, s.users]).filter((m): m is Record<string, unknown> => m !== undefined);
    expect(maps.some((m) => Object.keys(m).length > 0)).toBe(true);
    expect(maps.some((m) => Object.keys(m).length === 0)).toBe(true);
  });

  it('omits optional keys inside map items and keeps them sometimes', () => {
    const users = sampleValues(kitchenSinkSchema, RUNS, 2).flatMap((s) => Object.values((s.users ?? {}) as Record<string, object>));
    expect(users.some((u) => !('password' in u))).toBe(true);
    expect(users.some((u) => 'password' in u && 'admin' in u && 'quota' in u)).toBe(true);
  });

  it('prefers short map keys but sometimes uses long ones up to 63 characters', () => {
    const keys = sampleValues(kitchenSinkSchema, RUNS, 3).flatMap((s) => [
      ...Object.keys((s.labels ?? {}) as object),
      ...Object.keys((s.users ?? {}) as object),
    ]);
    const short = keys.filter((k) => k.length <= 12).length;
    expect(short).toBeGreaterThan(keys.length / 2);
    expect(keys.some((k) => k.length > 12)).toBe(true);
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThanOrEqual(63);
  });

  it('reaches both integer bounds and prints numbers with at most two decimals', () => {
    const samples = sampleValues(kitchenSinkSchema, RUNS, 4);
    const ports = samples.map((s) => s.port).filter((p) => p !== undefined);
    expect(ports).toContain(1024);
    expect(ports).toContain(65535);
    const ratios = samples.map((s) => s.ratio).filter((r): r is number => r !== undefined);
    expect(ratios.length).toBeGreaterThan(0);
    for (const r of ratios) expect(String(r)).toMatch(/^\d+(\.\d{1,2})?$/);
    expect(ratios.some((r) => !Number.isInteger(r))).toBe(true);
    expect(ratios.some((r) => Number.isInteger(r))).toBe(true);
  });

  it('yields the same value sets for the same seed and different ones for another seed', () => {
    const first = sampleValues(kitchenSinkSchema, 50, 42);
    const again = sampleValues(kitchenSinkSchema, 50, 42);
    expect(again).toEqual(first);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(sampleValues(kitchenSinkSchema, 50, 43)).not.toEqual(first);
  });

  it('mixes YAML 1.1 traps, template delimiters and awkward whitespace into free strings', () => {
    const schema = toPlainSchema(v.object({ text: v.string({ description: 'Free text.', default: '', maxLength: 200 }) }, { description: 'One free string.' }));
    const texts = sampleValues(schema, RUNS, 5)
      .map((s) => s.text)
      .filter((t): t is string => typeof t === 'string');
    const yamlTraps = /^(y|n|yes|no|on|off|true|false|null|~|-|[-+]?\.inf|\.nan|0[0-7]+|0x[0-9a-f]+|[-+]?\d+(\.\d+)?e[-+]?\d+|)$/i;
    expect(texts.some((t) => yamlTraps.test(t))).toBe(true);
    expect(texts.some((t) => t.includes('{{'))).toBe(true);
    expect(texts.some((t) => t.includes('\n'))).toBe(true);
    expect(texts.some((t) => t !== t.trim())).toBe(true);
    expect(texts.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true);
  });

  it('never generates characters YAML cannot carry faithfully', () => {
    const forbidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    const strings = [kitchenSinkSchema, edgeSchema].flatMap((schema) => stringsIn(sampleValues(schema, RUNS, 6)));
    expect(strings.length).toBeGreaterThan(RUNS);
    expect(strings.filter((s) => forbidden.test(s) || !isYamlSafeString(s))).toEqual([]);
  });

  it('adds map entries only within what maxProperties leaves beside the default entries', () => {
    const samples = sampleValues(edgeSchema, RUNS, 8);
    const pools = samples.map((s) => s.pools as Record<string, unknown> | undefined).filter((p) => p !== undefined);
    expect(pools.every((p) => Object.keys(p).filter((k) => k !== 'main').length <= 1)).toBe(true);
    expect(pools.some((p) => Object.keys(p).some((k) => k !== 'main'))).toBe(true);
    const accounts = samples.map((s) => s.accounts as Record<string, Record<string, unknown>> | undefined).filter((a) => a !== undefined);
    expect(accounts.some((a) => a.root !== undefined && !('role' in a.root))).toBe(true);
    expect(accounts.every((a) => Object.entries(a).every(([k, entry]) => k === 'root' || 'role' in entry))).toBe(true);
  });

  it('honours uniqueItems and maxItems in lists', () => {
    for (const s of sampleValues(edgeSchema, RUNS, 7)) {
      if (s.tags !== undefined) {
        const tags = s.tags as string[];
        expect(tags.length).toBeLessThanOrEqual(6);
        expect(new Set(tags).size).toBe(tags.length);
      }
      if (s.disks !== undefined) expect((s.disks as unknown[]).length).toBeLessThanOrEqual(4);
    }
  });

  it('refuses schemas it cannot generate values for', () => {
    expect(() => valuesArbitrary({ type: 'object', properties: { x: { type: 'null' } } })).toThrow(/x: unsupported schema type/);
    expect(() => valuesArbitrary({ type: 'string' })).toThrow(/root schema must be a strict object/);
  });
});
