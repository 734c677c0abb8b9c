/** Which bump a values-schema change requires: one test per class of change. */
import { describe, expect, it } from 'vitest';
import { toPlainSchema, v, type JsonSchemaNode } from '../constructs/values/schema';
import { classifySchemaChange, diffSchemas } from '../scripts/lib/semver-diff';

const replicas = () => v.integer({ description: 'Pods.', default: 2, minimum: 1, maximum: 9 });
const size = () => v.quantity({ description: 'Volume size.', default: '1Gi' });
const version = (values: readonly [string, ...string[]] = ['v8', 'v7']) => v.enum(values, { description: 'Major version.', default: 'v8' });
const storageClass = (d = '') => v.string({ description: 'StorageClass.', default: d, maxLength: 253, immutable: true });
const users = (item = v.object({ password: v.optional(v.string({ description: 'Password.', default: '', maxLength: 64 })) }, { description: 'A user.' })) =>
  v.map(item, { description: 'Users.', default: {} });

function schema(properties: Parameters<typeof v.object>[0]): JsonSchemaNode {
  return toPlainSchema(v.object(properties, { description: 'Values.' }));
}

const base = () => schema({ replicas: replicas(), size: size(), version: version(), storageClass: storageClass(), users: users() });

function classify(after: JsonSchemaNode, before: JsonSchemaNode = base()) {
  return classifySchemaChange(before, after);
}

describe('schema change classification', () => {
  it('finds no change between identical schemas', () => {
    expect(diffSchemas(base(), base())).toEqual([]);
    expect(classify(base()).bump).toBeUndefined();
  });

  it('requires a major bump for a removed key', () => {
    const r = classify(schema({ replicas: replicas(), version: version(), storageClass: storageClass(), users: users() }));
    expect(r.bump).toBe('major');
    expect(r.reasons).toEqual(['removed key size']);
  });

  it('treats a renamed key as a removal plus an addition and says so', () => {
    const r = classify(schema({ replicas: replicas(), volumeSize: size(), version: version(), storageClass: storageClass(), users: users() }));
    expect(r.bump).toBe('major');
    expect(r.reasons[0]).toBe('removed key size (renamed to volumeSize?)');
    expect(r.changes.map((c) => c.reason)).toContain('new key volumeSize');
  });

  it('requires a major bump for a narrowed type', () => {
    const r = classify(schema({ replicas: v.string({ description: 'Pods.', default: '2' }), size: size(), version: version(), storageClass: storageClass(), users: users() }));
    expect(r.bump).toBe('major');
    expect(r.reasons[0]).toMatch(/changed type of replicas from integer to string/);
  });

  it('requires only a minor bump for a widened type (integer to number)', () => {
    const r = classify(schema({ replicas: v.number({ description: 'Pods.', default: 2, minimum: 1, maximum: 9 }), size: size(), version: version(), storageClass: storageClass(), users: users() }));
    expect(r.bump).toBe('minor');
    expect(r.reasons).toContain('widened type of replicas from integer to number');
  });

  it('requires a major bump for a narrowed enum and a minor one for a widened enum', () => {
    const narrowed = classify(schema({ replicas: replicas(), size: size(), version: version(['v8']), storageClass: storageClass(), users: users() }));
    expect(narrowed.bump).toBe('major');
    expect(narrowed.reasons).toEqual(['version no longer allows "v7"']);
    const widened = classify(schema({ replicas: replicas(), size: size(), version: version(['v8', 'v7', 'v9']), storageClass: storageClass(), users: users() }));
    expect(widened.bump).toBe('minor');
    expect(widened.reasons).toEqual(['version now also allows "v9"']);
  });

  it('requires a major bump for a narrowed range and a minor one for a widened range', () => {
    const narrowed = classify(schema({ replicas: v.integer({ description: 'Pods.', default: 2, minimum: 1, maximum: 5 }), size: size(), version: version(), storageClass: storageClass(), users: users() }));
    expect(narrowed.bump).toBe('major');
    expect(narrowed.reasons).toEqual(['narrowed maximum of replicas from 9 to 5']);
    const widened = classify(schema({ replicas: v.integer({ description: 'Pods.', default: 2, minimum: 0, maximum: 9 }), size: size(), version: version(), storageClass: storageClass(), users: users() }));
    expect(widened.bump).toBe('minor');
  });

  it('requires a major bump for a changed pattern', () => {
    const r = classify(schema({ replicas: replicas(), size: v.string({ description: 'Volume size.', default: '1Gi', pattern: '^[0-9]+Gi$' }), version: version(), storageClass: storageClass(), users: users() }));
    expect(r.bump).toBe('major');
    expect(r.reasons.some((x) => x.startsWith('changed the pattern of size'))).toBe(true);
  });

  it('requires a major bump for a shorter maximum length', () => {
    const r = classify(schema({ replicas: replicas(), size: size(), version: version(), storageClass: v.string({ description: 'StorageClass.', default: '', maxLength: 63, immutable: true }), users: users() }));
    expect(r.bump).toBe('major');
    expect(r.reasons).toEqual(['narrowed maxLength of storageClass from 253 to 63']);
  });

  it('requires a major bump for a changed default of an immutable field', () => {
    const r = classify(schema({ replicas: replicas(), size: size(), version: version(), storageClass: storageClass('fast'), users: users() }));
    expect(r.bump).toBe('major');
    expect(r.reasons).toEqual(['changed the default of immutable field storageClass from "" to "fast"']);
  });

  it('requires a minor bump for a changed default of an ordinary field', () => {
    const r = classify(schema({ replicas: v.integer({ description: 'Pods.', default: 3, minimum: 1, maximum: 9 }), size: size(), version: version(), storageClass: storageClass(), users: users() }));
    expect(r.bump).toBe('minor');
    expect(r.reasons).toEqual(['changed the default of replicas from 2 to 3']);
  });

  it('requires a minor bump for a new key with a default', () => {
    const r = classify(schema({ replicas: replicas(), size: size(), version: version(), storageClass: storageClass(), users: users(), external: v.boolean({ description: 'Expose.', default: false }) }));
    expect(r.bump).toBe('minor');
    expect(r.reasons).toEqual(['new key external']);
  });

  it('names nested keys by their dotted path, map items with *', () => {
    const item = v.object(
      {
        password: v.optional(v.string({ description: 'Password.', default: '', maxLength: 64 })),
        admin: v.optional(v.boolean({ description: 'Administrator.', default: false })),
      },
      { description: 'A user.' },
    );
    const r = classify(schema({ replicas: replicas(), size: size(), version: version(), storageClass: storageClass(), users: users(item) }));
    expect(r.bump).toBe('minor');
    expect(r.reasons).toEqual(['new key users.*.admin']);
  });

  it('requires a major bump for a new required key inside map items', () => {
    const item = v.object(
      {
        password: v.optional(v.string({ description: 'Password.', default: '', maxLength: 64 })),
        role: v.string({ description: 'Role.', default: 'reader' }),
      },
      { description: 'A user.' },
    );
    const r = classify(schema({ replicas: replicas(), size: size(), version: version(), storageClass: storageClass(), users: users(item) }));
    expect(r.bump).toBe('major');
    expect(r.reasons).toEqual(['new required key users.*.role in existing items']);
  });

  it('requires only a patch for a changed description', () => {
    const r = classify(schema({ replicas: v.integer({ description: 'Number of pods.', default: 2, minimum: 1, maximum: 9 }), size: size(), version: version(), storageClass: storageClass(), users: users() }));
    expect(r.bump).toBe('patch');
    expect(r.reasons).toEqual(['description of replicas changed']);
  });

  it('requires only a patch for UI hints such as advanced', () => {
    const r = classify(schema({ replicas: v.integer({ description: 'Pods.', default: 2, minimum: 1, maximum: 9, advanced: true }), size: size(), version: version(), storageClass: storageClass(), users: users() }));
    expect(r.bump).toBe('patch');
  });

  it('reports every change, not only the first', () => {
    const changes = diffSchemas(base(), schema({ replicas: replicas(), version: version(['v8']), storageClass: storageClass('x'), users: users() }));
    expect(changes.map((c) => c.path).sort()).toEqual(['size', 'storageClass', 'version']);
  });
});
