/**
 * The version lock: content changes need the version bump they require, new versions are recorded,
 * and upgrades that would break immutable fields or delete objects need a major version.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import * as semver from 'semver';
import { describe, expect, it } from 'vitest';
import { buildPackage, catalogIndex } from '../scripts/lib/build';
import { loadCatalog, PROJECT_ROOT } from '../scripts/lib/catalog';
import { reportError } from '../scripts/lib/errors';
import { sampleValueSets } from '../scripts/lib/upgrade-samples';
import { upgradeFingerprint } from '../scripts/lib/upgrade-safety';
import {
  actualBump,
  checkVersions,
  emptyLock,
  LOCK_FILE,
  lockEntryOf,
  readLock,
  serializeLock,
  VersionError,
  writeLock,
  type VersionLock,
} from '../scripts/lib/versions';
import { tempDir } from './support/charts';
import { versionedBuild, type Variant } from './support/versioned-package';

/** A lock holding the first version of the test package. */
function lockedAt(variant: Variant = {}): VersionLock {
  return checkVersions(emptyLock(), [versionedBuild(variant)]).lock;
}

function check(variant: Variant, lock = lockedAt()) {
  const result = checkVersions(lock, [versionedBuild(variant)]);
  return { ...result, status: result.statuses[0].status };
}

describe('version lock', () => {
  it('records every package on the first build (no lock yet)', () => {
    const built = versionedBuild();
    const result = checkVersions(emptyLock(), [built]);
    expect(result.problems).toEqual([]);
    expect(result.statuses[0].status).toEqual({ kind: 'recorded' });
    const entry = result.lock.packages.versioned['0.1.0'];
    const index = catalogIndex([built]) as { packages: { digest: string }[] };
    expect(entry.digest).toBe(index.packages[0].digest);
    expect(entry.values).toEqual(built.compiled.schema);
    expect(entry.upgrade.map((c) => c.case)).toContain('defaults');
  });

  it('gives a package the same digest however often it is compiled in one process', () => {
    // Loop variables are numbered per package, so earlier compilations cannot shift them.
    expect(lockEntryOf(versionedBuild()).digest).toBe(lockEntryOf(versionedBuild()).digest);
  });

  it('accepts an unchanged package and leaves the lock as it was', () => {
    const lock = lockedAt();
    const r = check({}, lock);
    expect(r.status).toEqual({ kind: 'unchanged' });
    expect(serializeLock(r.lock)).toBe(serializeLock(lock));
  });

  it('refuses a changed template at the same version, naming the package and a patch bump', () => {
    const r = check({ annotate: true });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^versioned 0\.1\.0: chart content changed but the version did not; a patch bump is required \(changed templates\/stateful-set-db\.yaml\) → 0\.1\.1$/);
    expect(r.lock.packages.versioned['0.1.0'].digest).toBe(lockedAt().packages.versioned['0.1.0'].digest);
  });

  it('re-records a changed version that was not released when it was recorded (no dated changelog section)', () => {
    const r = check({ annotate: true, released: false }, lockedAt({ released: false }));
    expect(r.problems).toEqual([]);
    expect(r.status).toEqual({ kind: 'recorded', draft: true });
    expect(r.lock.packages.versioned['0.1.0'].digest).toBe(lockEntryOf(versionedBuild({ annotate: true, released: false })).digest);
  });

  it('records a version again when it is released (its changelog section dated), and refuses changes after that', () => {
    const draft = lockedAt({ released: false });
    expect(draft.packages.versioned['0.1.0'].released).toBe(false);
    // Dating the section changes the chart's CHANGELOG.md: that is the release, not a change.
    const release = check({}, draft);
    expect(release.status).toEqual({ kind: 'recorded', draft: true });
    expect(release.lock.packages.versioned['0.1.0'].released).toBe(true);
    expect(check({ annotate: true }, release.lock).problems[0]).toMatch(/^versioned 0\.1\.0: chart content changed but the version did not/);
  });

  it('still checks the bump of an unreleased version against the previous version', () => {
    expect(check({ dropExternal: true, version: '0.2.0', released: false }).status).toMatchObject({ kind: 'refused', required: 'major' });
    // Recorded as an unreleased 0.2.0, then changed again in a way 0.2.0 cannot carry.
    const lock = check({ addAnnotations: true, version: '0.2.0', released: false }).lock;
    const again = check({ addAnnotations: true, dropExternal: true, version: '0.2.0', released: false }, lock);
    expect(again.problems).toEqual([expect.stringMatching(/^versioned 0\.2\.0: a major bump from 0\.1\.0 is required \(removed key external \(renamed to annotations\?\)\), not a minor bump → 1\.0\.0$/)]);
    expect(check({ addAnnotations: true, annotate: true, version: '0.2.0', released: false }, lock).status).toEqual({ kind: 'recorded', from: '0.1.0', bump: 'minor', draft: true });
  });

  it('accepts the template change with a patch bump and records the new version', () => {
    const r = check({ annotate: true, version: '0.1.1' });
    expect(r.problems).toEqual([]);
    expect(r.status).toEqual({ kind: 'recorded', from: '0.1.0', bump: 'patch' });
    expect(Object.keys(r.lock.packages.versioned)).toEqual(['0.1.0', '0.1.1']);
  });

  it('requires a minor bump for a new key and names the key', () => {
    const r = check({ addAnnotations: true });
    expect(r.problems[0]).toMatch(/^versioned 0\.1\.0: chart content changed but the version did not; a minor bump is required \(new key annotations\) → 0\.2\.0$/);
  });

  it('refuses a patch bump where a minor bump is required', () => {
    const r = check({ addAnnotations: true, version: '0.1.1' });
    expect(r.problems).toEqual(['versioned 0.1.1: a minor bump from 0.1.0 is required (new key annotations), not a patch bump → 0.2.0']);
    expect(Object.keys(r.lock.packages.versioned)).toEqual(['0.1.0']);
  });

  it('requires a major bump for a removed key', () => {
    const r = check({ dropExternal: true, version: '0.2.0' });
    expect(r.status).toMatchObject({ kind: 'refused', required: 'major', suggested: '1.0.0' });
    expect(r.problems[0]).toContain('removed key external');
    expect(check({ dropExternal: true, version: '1.0.0' }).status).toMatchObject({ kind: 'recorded', bump: 'major' });
  });

  it('requires a major bump for a narrowed enum', () => {
    const r = check({ narrowMode: true, version: '0.1.1' });
    expect(r.status).toMatchObject({ kind: 'refused', required: 'major' });
    expect(r.problems[0]).toContain('mode no longer allows "b"');
  });

  it('requires only a patch for a description change', () => {
    expect(check({ redescribe: true }).problems[0]).toMatch(/a patch bump is required .* → 0\.1\.1$/);
    expect(check({ redescribe: true, version: '0.1.1' }).problems).toEqual([]);
  });

  it('refuses a renamed object without a major bump, naming the old and the new object', () => {
    const r = check({ renameConfig: true, version: '0.2.0' });
    expect(r.status).toMatchObject({ kind: 'refused', required: 'major' });
    expect(r.problems[0]).toContain(
      'unsafe upgrade: ConfigMap/release-versioned-config is no longer rendered with the defaults (renamed to ConfigMap/release-versioned-settings?); the upgrade would delete it',
    );
    expect(check({ renameConfig: true, version: '1.0.0' }).problems).toEqual([]);
  });

  it('refuses a changed immutable field without a major bump, naming the object and the field', () => {
    const r = check({ serviceSuffix: 'peers', version: '0.2.0' });
    expect(r.status).toMatchObject({ kind: 'refused', required: 'major' });
    expect(r.problems[0]).toContain('unsafe upgrade: StatefulSet.apps/release-versioned changes immutable field spec.serviceName ("release-versioned-headless" → "release-versioned-peers") with the defaults');
  });

  it('catches an immutable field reached only by sample values (storage class in the volume claim template)', () => {
    const r = check({ storageClassDefault: 'fast', version: '0.2.0' });
    expect(r.status).toMatchObject({ kind: 'refused', required: 'major' });
    expect(r.problems[0]).toContain('StatefulSet.apps/release-versioned changes immutable field spec.volumeClaimTemplates');
  });

  it('refuses a version older than the newest locked one', () => {
    const lock = check({ annotate: true, version: '0.2.0' }).lock;
    const r = check({ annotate: true, version: '0.1.5' }, lock);
    expect(r.problems).toEqual(['versioned 0.1.5: is older than the locked 0.2.0; versions only go up (use 0.2.1 or later)']);
  });

  it('compares a new version with the newest earlier locked version', () => {
    let lock = check({ version: '0.1.0' }).lock;
    lock = check({ addAnnotations: true, version: '0.2.0' }, lock).lock;
    // From 0.2.0 (which has the key) a template change only needs a patch.
    expect(check({ addAnnotations: true, annotate: true, version: '0.2.1' }, lock).problems).toEqual([]);
  });

  it('names the bump semver would call it', () => {
    expect(actualBump('0.1.0', '0.1.1')).toBe('patch');
    expect(actualBump('0.1.0', '0.2.0')).toBe('minor');
    expect(actualBump('0.1.0', '1.0.0')).toBe('major');
    expect(actualBump('1.2.3', '1.2.4-rc.1')).toBe('patch');
    expect(actualBump('2.0.0-rc.1', '2.0.0')).toBe('major');
    expect(actualBump('1.0.0', '1.0.0')).toBeUndefined();
  });

  it('writes the lock sorted (packages by name, versions by semver) with a generated marker, and reads it back', () => {
    const dir = tempDir('hearth-lock-');
    const file = join(dir, LOCK_FILE);
    let lock = check({ version: '0.9.0' }, emptyLock()).lock;
    lock = check({ annotate: true, version: '0.10.0' }, lock).lock;
    expect(writeLock(file, lock)).toBe(true);
    expect(writeLock(file, lock)).toBe(false);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/Generated by hearth build/);
    expect(Object.keys(readLock(file).packages.versioned)).toEqual(['0.9.0', '0.10.0']);
    expect(serializeLock(readLock(file))).toBe(text);
  });

  it('reports an unreadable lock file in one line naming the file', () => {
    const file = join(tempDir('hearth-lock-'), LOCK_FILE);
    writeFileSync(file, '{ not json');
    expect(() => readLock(file)).toThrow(VersionError);
    let message = '';
    try {
      readLock(file);
    } catch (e) {
      message = reportError(e);
    }
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(file);
  });
});

describe('upgrade fingerprint', () => {
  it('derives the same sample values from the same schema every time', () => {
    const schema = versionedBuild().compiled.schema;
    expect(sampleValueSets(schema)).toEqual(sampleValueSets(schema));
  });

  it('samples flipped booleans, filled strings, a map entry and the other enum value', () => {
    const toggled = sampleValueSets(versionedBuild().compiled.schema).find((s) => s.name === 'toggled');
    expect(toggled?.values).toEqual({ storageClass: 'sample', mode: 'b', external: true, users: { sample: { password: 'sample' } } });
  });

  it('reduces a value set the package refuses to the part it accepts, key by key', () => {
    const schema = versionedBuild().compiled.schema;
    // As if the templates refused the external Service in mode b.
    const accepts = (v: Record<string, unknown>) => !(v.external === true && v.mode === 'b');
    const toggled = sampleValueSets(schema, accepts).find((s) => s.name === 'toggled');
    expect(toggled?.values).toEqual({ storageClass: 'sample', mode: 'b', users: { sample: { password: 'sample' } } });
  });

  it('records objects that exist only for some values (the external Service) and immutable fields', () => {
    const cases = upgradeFingerprint(versionedBuild().compiled);
    const toggled = cases.find((c) => c.case === 'toggled')!;
    expect(Object.keys(toggled.objects)).toContain('Service/release-versioned-external');
    expect(Object.keys(toggled.objects)).toContain('Secret/release-versioned-user-sample');
    expect(toggled.objects['Service/release-versioned-headless']).toEqual({ 'spec.clusterIP': 'None' });
    expect(Object.keys(toggled.objects['StatefulSet.apps/release-versioned'])).toEqual(['spec.selector', 'spec.serviceName', 'spec.volumeClaimTemplates']);
  });

  it('stores every value set in the lock entry together with what it rendered', () => {
    const entry = lockEntryOf(versionedBuild());
    for (const c of entry.upgrade) expect(Object.keys(c.objects).length, c.case).toBeGreaterThan(0);
  });
});

describe('committed lock', () => {
  const lockFile = join(PROJECT_ROOT, 'catalog', LOCK_FILE);

  it('follows schemas/versions-lock.schema.json, as does a lock with several versions', () => {
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'versions-lock.schema.json'), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const several = check({ annotate: true, version: '0.1.1' }).lock;
    for (const lock of [JSON.parse(readFileSync(lockFile, 'utf8')), JSON.parse(serializeLock(several))]) {
      expect(validate(lock), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ lockVersion: 1, packages: { Redis: {} } })).toBe(false);
  });

  it('records the current version of every catalog package with the digest of its built chart', async () => {
    const lock = readLock(lockFile);
    const index = JSON.parse(readFileSync(join(PROJECT_ROOT, 'charts-out', 'index.json'), 'utf8')) as { packages: { name: string; version: string; digest: string }[] };
    for (const { pkg } of await loadCatalog()) {
      const indexed = index.packages.find((p) => p.name === pkg.name);
      expect(indexed?.digest, `${pkg.name} in charts-out/index.json`).toMatch(/^sha256:/);
      expect(lock.packages[pkg.name]?.[pkg.version]?.digest, `${pkg.name} ${pkg.version} in ${LOCK_FILE}`).toBe(indexed?.digest);
    }
  });
});

describe('hearth build', () => {
  const cli = join(PROJECT_ROOT, 'dist', 'scripts', 'hearth.js');
  const build = (...args: string[]) => spawnSync(process.execPath, [cli, 'build', '--out', tempDir('hearth-out-'), ...args], { encoding: 'utf8' });

  it('fails naming the package and the bump when a chart changed but its version did not', async () => {
    const [redis] = await loadCatalog(undefined, ['redis']);
    const { name, version } = redis.pkg;
    // A lock whose released entry for the current version predates the last top-level key: same version, other content.
    const entry = lockEntryOf(buildPackage(redis));
    const key = Object.keys(entry.values.properties!).pop()!;
    const { [key]: _dropped, ...properties } = entry.values.properties!;
    const stale: VersionLock = {
      lockVersion: 1,
      packages: {
        [name]: {
          [version]: {
            ...entry,
            released: true,
            digest: `sha256:${'0'.repeat(64)}`,
            values: { ...entry.values, properties, required: entry.values.required!.filter((k) => k !== key) },
            upgrade: entry.upgrade.filter((c) => c.case === 'defaults'),
          },
        },
      },
    };
    const file = join(tempDir('hearth-lock-'), LOCK_FILE);
    writeLock(file, stale);
    const r = build('--lock', file, '-p', name);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe(
      `hearth: ${name} ${version}: chart content changed but the version did not; a minor bump is required (new key ${key}) → ${semver.inc(version, 'minor')}`,
    );
    expect(readFileSync(file, 'utf8')).toBe(serializeLock(stale));
  });

  it('fails naming the package and the bump when a new version bumps too little', async () => {
    const [redis] = await loadCatalog(undefined, ['redis']);
    const built = buildPackage(redis);
    const { version } = redis.pkg;
    const v = semver.parse(version)!;
    const previous = v.patch > 0 ? `${v.major}.${v.minor}.${v.patch - 1}` : v.minor > 0 ? `${v.major}.${v.minor - 1}.0` : `${v.major - 1}.0.0`;
    // The previous version had a key the current one lacks: a removal, which needs a major bump.
    const entry = lockEntryOf(built);
    const legacy = { type: 'boolean', description: 'A setting that was removed.', default: false };
    const lock: VersionLock = {
      lockVersion: 1,
      packages: { redis: { [previous]: { ...entry, digest: `sha256:${'0'.repeat(64)}`, values: { ...entry.values, properties: { ...entry.values.properties, legacy } } } } },
    };
    const file = join(tempDir('hearth-lock-'), LOCK_FILE);
    writeLock(file, lock);
    const r = build('--lock', file, '-p', 'redis');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe(
      `hearth: redis ${version}: a major bump from ${previous} is required (removed key legacy), not a ${actualBump(previous, version)} bump → ${semver.inc(previous, 'major')}`,
    );
  });

  it('records new versions in the lock and reports them', () => {
    const file = join(tempDir('hearth-lock-'), LOCK_FILE);
    const r = build('--lock', file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/versions: recorded redis \d+\.\d+\.\d+/);
    expect(Object.keys(readLock(file).packages)).toContain('redis');
  });

  it('with --frozen-lock, fails instead of recording a version', () => {
    const file = join(tempDir('hearth-lock-'), LOCK_FILE);
    const r = build('--lock', file, '--frozen-lock', '-p', 'redis');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^hearth: redis \S+: not recorded in .*versions\.lock\.json \(--frozen-lock\); run hearth build and commit the lock$/m);
  });
});
