/**
 * The postgres package: the spec shape of the platform our users come from installs unchanged,
 * dangerous server parameters are refused everywhere, every documented key renders objects the
 * upstream CRDs accept, and the chart's promises (stable passwords, quorum bounds, backups,
 * NOTES, presets, names) hold on helm 3, helm 4 and the concrete renderer alike.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeValues, renderConcrete } from '../constructs/compiler/render';
import { PRESET_TABLE, RESOURCES_PRESETS } from '../constructs/k8s/resources';
import { ValuesError } from '../constructs/values/validate';
import { MAX_CLUSTER_NAME, REFUSED_PARAMETERS, VERSIONS } from '../catalog/postgres/package';
import { runHelm } from '../scripts/lib/helm';
import { HELM_MAJORS, parseManifest, tempDir } from './support/charts';
import {
  builtPackage,
  expectRenderFailure,
  expectValidObjects,
  type K8sObject,
  LONGEST_RELEASE,
  notesOf,
  one,
  only,
  renderEverywhere,
  secretData,
} from './support/managed-services';

const postgres = await builtPackage('postgres');

/** The acceptance spec, written as users of the platform we learn from write it. */
const ACCEPTANCE_SPEC = `
external: false
size: 10Gi
replicas: 2
storageClass: ""
postgresql:
  parameters:
    max_connections: "100"
quorum:
  minSyncReplicas: 0
  maxSyncReplicas: 0
users:
  app:
    password: example-only
databases:
  appdb:
    roles:
      admin: [app]
backup:
  enabled: false
resources: {}
resourcesPreset: "nano"
`;

/** Every documented key set. */
const FULL_SPEC = {
  replicas: 3,
  size: '50Gi',
  storageClass: 'replicated',
  version: 'v17',
  resources: { cpu: '2', memory: '' },
  resourcesPreset: 'large',
  external: true,
  postgresql: { parameters: { max_connections: 300, shared_buffers: '1GB', 'pg_stat_statements.max': 10000, work_mem: '16MB' } },
  quorum: { minSyncReplicas: 1, maxSyncReplicas: 2 },
  users: {
    app: { password: 'change-me' },
    reporting: {},
    debezium: { replication: true },
  },
  databases: {
    appdb: { roles: { admin: ['app'], readonly: ['reporting', 'debezium'] }, extensions: ['pg_trgm', 'hstore', 'uuid-ossp'] },
    analytics: { roles: { readonly: ['app'] } },
    scratch: {},
  },
  backup: {
    enabled: true,
    schedule: '0 30 1 * * *',
    retentionPolicy: '4w',
    destinationPath: 's3://backups/postgres/appdb',
    endpointURL: 'https://s3.example.net',
    s3AccessKey: 'AKIAEXAMPLE',
    s3SecretKey: 'secret-example',
  },
  monitoring: true,
};

type Role = { name: string; login: boolean; replication?: boolean; inRoles?: string[] | null; passwordSecret?: { name: string } };

function roles(objects: Parameters<typeof one>[0]): Record<string, Role> {
  const cluster = one(objects, 'Cluster');
  return Object.fromEntries((cluster.spec.managed.roles as Role[]).map((r) => [r.name, r]));
}

describe('postgres: the spec users bring from the platform we learn from', () => {
  it.each(HELM_MAJORS)('renders a 2-instance Cluster with role app, database appdb administered by app and no backup objects on helm %i', async (major) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'spec.yaml'), ACCEPTANCE_SPEC);
    const r = await runHelm(major, ['template', 't', postgres.chartDir, '-f', join(dir, 'spec.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    const objects = parseManifest(r.stdout) as unknown as K8sObject[];
    const cluster = one(objects, 'Cluster');
    expect(cluster.spec.instances).toBe(2);
    expect(cluster.spec.postgresql.parameters).toEqual({ max_connections: '100' });
    expect(cluster.spec.backup).toBeUndefined();
    const app = roles(objects).app;
    expect(app).toMatchObject({ login: true, inRoles: ['appdb_admin'] });
    expect(roles(objects).appdb_admin).toMatchObject({ login: false });
    const database = one(objects, 'Database');
    expect(database.spec).toMatchObject({ name: 'appdb', owner: 'appdb_admin', cluster: { name: cluster.metadata.name } });
    expect(only(objects, 'ScheduledBackup')).toEqual([]);
    const secrets = Object.fromEntries(only(objects, 'Secret').map((o) => [o.metadata.name, secretData(o)]));
    expect(Object.keys(secrets).sort()).toEqual([app.passwordSecret!.name, roles(objects).hearth_grants.passwordSecret!.name].sort());
    expect(secrets[app.passwordSecret!.name]).toEqual({ username: 'app', password: 'example-only' });
    expect(one(objects, 'CronJob').metadata.name).toBe('t-postgres-grants');
    expect(cluster.spec.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } });
  });

  it('renders the same objects through hearth, and each validates against its CRD', async () => {
    const objects = await renderEverywhere(postgres, parse(ACCEPTANCE_SPEC, { version: '1.1' }));
    expectValidObjects(objects);
  });
});

describe('postgres: dangerous server parameters', () => {
  it('refuses archive_command in hearth\'s validation, naming the parameter', () => {
    const attempt = () => mergeValues(postgres.compiled, { postgresql: { parameters: { archive_command: 'curl x|sh' } } });
    expect(attempt).toThrow(ValuesError);
    try {
      attempt();
    } catch (e) {
      expect((e as ValuesError).problems.map((p) => p.path)).toContain('postgresql.parameters.archive_command');
    }
  });

  it.each(HELM_MAJORS)('refuses --set postgresql.parameters.archive_command on helm %i, naming the parameter', async (major) => {
    const r = await runHelm(major, ['template', 't', postgres.chartDir, '--set', "postgresql.parameters.archive_command=curl x|sh"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(major === 3 ? /postgresql\.parameters\.archive_command/ : /\/postgresql\/parameters\/archive_command/);
  });

  it('refuses every parameter that runs commands or loads libraries, and only those', () => {
    for (const parameter of REFUSED_PARAMETERS) {
      expect(() => mergeValues(postgres.compiled, { postgresql: { parameters: { [parameter]: 'x' } } }), parameter).toThrow(ValuesError);
    }
    expect(() => mergeValues(postgres.compiled, { postgresql: { parameters: { archive_timeout: '60s', 'auto_explain.log_min_duration': 100 } } })).not.toThrow();
  });

  it('writes integer parameters as the strings the operator requires, also beyond a million', async () => {
    const objects = await renderEverywhere(postgres, { postgresql: { parameters: { max_connections: 100, max_wal_size: 2147483647, work_mem: '4MB', negative: -1 } } });
    expect(one(objects, 'Cluster').spec.postgresql.parameters).toEqual({ max_connections: '100', max_wal_size: '2147483647', work_mem: '4MB', negative: '-1' });
  });
});

describe('postgres: every documented key', () => {
  it('renders identically on helm 3, helm 4 and hearth, and every object validates', async () => {
    const objects = await renderEverywhere(postgres, FULL_SPEC);
    expectValidObjects(objects);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['Cluster', 'CronJob', 'Database', 'Database', 'Database', 'NetworkPolicy', 'NetworkPolicy', 'PodMonitor', 'ScheduledBackup', 'Secret', 'Secret', 'Secret', 'Secret', 'Secret', 'Service', 'VMPodScrape'].sort(),
    );
  });

  it('maps users, group roles and memberships, with replication only where asked', async () => {
    const objects = await renderEverywhere(postgres, FULL_SPEC);
    const r = roles(objects);
    expect(Object.keys(r).sort()).toEqual(['analytics_admin', 'analytics_readonly', 'app', 'appdb_admin', 'appdb_readonly', 'debezium', 'hearth_grants', 'reporting', 'scratch_admin', 'scratch_readonly']);
    // The grants role acts for every owner: each database's admin group and each user.
    expect(r.hearth_grants).toMatchObject({ login: true, inRoles: ['analytics_admin', 'appdb_admin', 'scratch_admin', 'app', 'debezium', 'reporting'] });
    expect(r.app.inRoles).toEqual(['appdb_admin', 'analytics_readonly']);
    expect(r.reporting.inRoles).toEqual(['appdb_readonly']);
    expect(r.debezium).toMatchObject({ replication: true, inRoles: ['appdb_readonly'] });
    expect(r.app.replication).toBe(false);
    const databases = only(objects, 'Database').map((d) => (d as unknown as { spec: { name: string; owner: string; extensions: { name: string }[] } }).spec);
    expect(databases.find((d) => d.name === 'appdb')).toMatchObject({ owner: 'appdb_admin', extensions: [{ name: 'pg_trgm' }, { name: 'hstore' }, { name: 'uuid-ossp' }] });
    expect(databases.find((d) => d.name === 'scratch')).toMatchObject({ owner: 'scratch_admin', extensions: [] });
  });

  it('gives a user in no database no memberships (the operator then revokes stray ones)', async () => {
    const objects = await renderEverywhere(postgres, { users: { lonely: {} }, databases: { appdb: {} } });
    expect(roles(objects).lonely.inRoles ?? []).toEqual([]);
  });

  it('maps quorum, storage, version and preset into the Cluster', async () => {
    const cluster = one(await renderEverywhere(postgres, FULL_SPEC), 'Cluster');
    expect(cluster.spec).toMatchObject({
      instances: 3,
      minSyncReplicas: 1,
      maxSyncReplicas: 2,
      storage: { size: '50Gi', storageClass: 'replicated' },
      imageName: VERSIONS.v17,
      resources: { requests: { cpu: '2', memory: PRESET_TABLE.large.memory }, limits: { memory: PRESET_TABLE.large.memory } },
      enableSuperuserAccess: false,
    });
    expect(cluster.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });

  it('archives to the object store with credentials from the Secret the chart writes', async () => {
    const objects = await renderEverywhere(postgres, FULL_SPEC);
    const cluster = one(objects, 'Cluster');
    const store = cluster.spec.backup.barmanObjectStore;
    expect(store).toMatchObject({ destinationPath: 's3://backups/postgres/appdb', endpointURL: 'https://s3.example.net' });
    expect(cluster.spec.backup.retentionPolicy).toBe('4w');
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === store.s3Credentials.accessKeyId.name)!;
    expect(secretData(secret)).toEqual({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example' });
    expect(store.s3Credentials.secretAccessKey).toEqual({ name: secret.metadata.name, key: 'AWS_SECRET_ACCESS_KEY' });
    expect(one(objects, 'ScheduledBackup').spec).toEqual({
      cluster: { name: cluster.metadata.name }, schedule: '0 30 1 * * *', method: 'barmanObjectStore', immediate: true, backupOwnerReference: 'self',
    });
  });

  it('uses an existing credentials Secret with its own key names and writes none', async () => {
    const objects = await renderEverywhere(postgres, {
      backup: { enabled: true, destinationPath: 's3://bucket/p', s3CredentialsSecret: { name: 'my-s3', accessKeyIDKey: 'id', secretAccessKeyKey: 'key' } },
    });
    expect(one(objects, 'Cluster').spec.backup.barmanObjectStore.s3Credentials).toEqual({ accessKeyId: { name: 'my-s3', key: 'id' }, secretAccessKey: { name: 'my-s3', key: 'key' } });
    expect(only(objects, 'Secret')).toEqual([]);
    expectValidObjects(objects);
  });

  it('exposes the primary through a LoadBalancer that follows failovers', async () => {
    const objects = await renderEverywhere(postgres, { external: true });
    const cluster = one(objects, 'Cluster');
    const service = one(objects, 'Service');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', selector: { 'cnpg.io/cluster': cluster.metadata.name, 'cnpg.io/instanceRole': 'primary' }, ports: [{ port: 5432 }] });
    const policy = one(objects, 'NetworkPolicy');
    expect(JSON.stringify(policy.spec.ingress)).toContain('0.0.0.0/0');
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'cnpg.io/cluster': cluster.metadata.name, 'cnpg.io/podRole': 'instance' });
  });

  it('renders no backup, external or monitoring objects by default', async () => {
    const objects = await renderEverywhere(postgres, {});
    expect(objects.map((o) => o.kind).sort()).toEqual(['Cluster', 'NetworkPolicy']);
    expectValidObjects(objects);
  });
});

describe('postgres: checks between values', () => {
  it('refuses quorum.maxSyncReplicas equal to replicas, naming the value', async () => {
    await expectRenderFailure(postgres, { replicas: 2, quorum: { maxSyncReplicas: 2 } }, 'quorum.maxSyncReplicas must be less than replicas');
  });

  it('refuses quorum.minSyncReplicas above quorum.maxSyncReplicas', async () => {
    await expectRenderFailure(postgres, { replicas: 3, quorum: { minSyncReplicas: 2, maxSyncReplicas: 1 } }, 'quorum.minSyncReplicas must not be greater than quorum.maxSyncReplicas');
  });

  it('refuses an enabled backup without a destination', async () => {
    await expectRenderFailure(postgres, { backup: { enabled: true, s3AccessKey: 'a', s3SecretKey: 'b' } }, 'backup.destinationPath is required');
  });

  it('refuses an enabled backup without credentials', async () => {
    await expectRenderFailure(postgres, { backup: { enabled: true, destinationPath: 's3://bucket/p' } }, 'backup.s3AccessKey and backup.s3SecretKey are required');
  });
});

describe('postgres: passwords', () => {
  it('generates a 32-character password when none is given, in a kept basic-auth Secret the operator reloads', () => {
    const [first, second] = [1, 2].map(() => renderConcrete(postgres.compiled, { users: { app: {} } }, { name: 't' }));
    const secrets = [first, second].map((objects) => objects.find((o) => o.kind === 'Secret')!) as Parameters<typeof secretData>[0][];
    const passwords = secrets.map((s) => secretData(s).password);
    for (const p of passwords) expect(p).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secrets[0]).toMatchObject({
      type: 'kubernetes.io/basic-auth',
      metadata: { annotations: { 'helm.sh/resource-policy': 'keep', 'hearth.dev/generated-keys': 'password' }, labels: { 'cnpg.io/reload': 'true' } },
    });
    expect(secretData(secrets[0]).username).toBe('app');
  });

  it('reads a generated password back from the Secret it is stored in, so upgrades keep it', () => {
    const template = readFileSync(join(postgres.chartDir, 'templates', 'secret-users-secret.yaml'), 'utf8');
    const name = /name: \{\{ \(include "postgres\.name" \(list \$ "user" (\$k\d+)\)\) \| toJson \}\}/.exec(template);
    expect(name, template).not.toBeNull();
    expect(template).toContain(`include "postgres.stablePassword" (list $ (include "postgres.name" (list $ "user" ${name![1]})) "password"`);
    expect(readFileSync(join(postgres.chartDir, 'templates', '_helpers.tpl'), 'utf8')).toContain('lookup "v1" "Secret" $root.Release.Namespace $secretName');
  });

  it('uses a given password as is', async () => {
    const objects = await renderEverywhere(postgres, { users: { app: { password: "p@ss 'w\"ord {{ x }}" } } });
    expect(secretData(one(objects, 'Secret')).password).toBe("p@ss 'w\"ord {{ x }}");
  });
});

describe('postgres: names and NOTES', () => {
  it('keeps the Cluster name within the operator\'s 50 characters for the longest release', async () => {
    const objects = await renderEverywhere(postgres, { users: { app: {} } }, LONGEST_RELEASE);
    const cluster = one(objects, 'Cluster');
    expect(cluster.metadata.name.length).toBeLessThanOrEqual(MAX_CLUSTER_NAME);
    expect(cluster.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it.each(['t', LONGEST_RELEASE])('prints the read-write and read-only Services and the user Secrets as rendered (release %s)', async (release) => {
    const values = { users: { app: {}, reporting: {} }, databases: { appdb: { roles: { admin: ['app'] } } }, external: true };
    const objects = renderConcrete(postgres.compiled, values, { name: release, namespace: 'tenant-a' });
    const cluster = objects.find((o) => o.kind === 'Cluster') as { metadata: { name: string } };
    const notes = await notesOf(postgres, values, release);
    expect(notes).toContain(`${cluster.metadata.name}-rw.tenant-a.svc:5432`);
    expect(notes).toContain(`${cluster.metadata.name}-ro.tenant-a.svc:5432`);
    const userSecrets = only(objects as K8sObject[], 'Secret').filter((o) => ['app', 'reporting'].includes(secretData(o).username));
    expect(userSecrets).toHaveLength(2);
    for (const secret of userSecrets) expect(notes).toContain(`get secret ${secret.metadata.name} `);
    const service = objects.find((o) => o.kind === 'Service') as { metadata: { name: string } };
    expect(notes).toContain(`get service ${service.metadata.name}`);
    expect(notes).toContain('appdb');
  });
});

describe('postgres: resources presets and versions', () => {
  it.each(RESOURCES_PRESETS)('sizes every instance from the %s preset', (preset) => {
    const cluster = renderConcrete(postgres.compiled, { resourcesPreset: preset }).find((o) => o.kind === 'Cluster') as { spec: { resources: unknown } };
    const { cpu, memory } = PRESET_TABLE[preset];
    expect(cluster.spec.resources).toEqual({ requests: { cpu, memory }, limits: { memory } });
  });

  it('lets explicit resources win field by field over the preset', async () => {
    const cluster = one(await renderEverywhere(postgres, { resources: { memory: '3Gi' }, resourcesPreset: 'small' }), 'Cluster');
    expect(cluster.spec.resources).toEqual({ requests: { cpu: PRESET_TABLE.small.cpu, memory: '3Gi' }, limits: { memory: '3Gi' } });
  });

  it.each(Object.entries(VERSIONS))('pins version %s to %s', async (version, image) => {
    expect(image).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:\d+\.\d+$/);
    expect(one(await renderEverywhere(postgres, { version }), 'Cluster').spec.imageName).toBe(image);
  });
});

// ---------------------------------------------------------------------------------------------
// The access model against a real PostgreSQL: the roles and memberships the Cluster declares are
// created as the operator would, then the CronJob's script grants the privileges.
// ---------------------------------------------------------------------------------------------

/** A PostgreSQL server's programs: `$HEARTH_PG_BIN`, else the folders on PATH. */
const onPath = (program: string) =>
  [process.env.HEARTH_PG_BIN, ...(process.env.PATH ?? '').split(':')].find((dir) => dir && existsSync(join(dir, program)));
const PG_BIN = [onPath('initdb')].find((dir) => dir && existsSync(join(dir, 'pg_ctl')));
const PSQL = onPath('psql') && join(onPath('psql')!, 'psql');
/** postgres refuses to run as root: run the server as the `postgres` user when the tests run as root. */
const asServer = (args: string[]) => (process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...args] : args);
const canRunServer = Boolean(PG_BIN && PSQL) && (process.getuid?.() !== 0 || spawnSync('id', ['-u', 'postgres']).status === 0);

describe.skipIf(!canRunServer)('postgres: the access model in a real PostgreSQL', () => {
  const dir = tempDir('hearth-pg-');
  const socket = dir;
  const port = String(20000 + (process.pid % 10000));
  const run = (command: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(command[0], command.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  };
  const psql = (user: string, database: string, sql: string) => run([PSQL!, '-h', socket, '-p', port, '-U', user, '-d', database, '-v', 'ON_ERROR_STOP=1', '-AtXq', '-c', sql]);

  beforeAll(() => {
    if (process.getuid?.() === 0) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
    const init = run(asServer([join(PG_BIN!, 'initdb'), '-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres']));
    expect(init.ok, init.out).toBe(true);
    const start = run(asServer([join(PG_BIN!, 'pg_ctl'), '-D', join(dir, 'data'), '-w', '-l', join(dir, 'log'), '-o', `-k ${socket} -p ${port} -c listen_addresses=''`, 'start']));
    expect(start.ok, start.out).toBe(true);
  });

  afterAll(() => {
    run(asServer([join(PG_BIN!, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', 'stop']));
  });

  it('lets admins share the database, readers only read, and keeps everyone else out', () => {
    const values = {
      users: { app: {}, app2: {}, reporting: {}, other: {} },
      databases: { appdb: { roles: { admin: ['app', 'app2'], readonly: ['reporting'] } } },
    };
    const objects = renderConcrete(postgres.compiled, values, { name: 't' }) as K8sObject[];
    // What the operator does with the Cluster's managed roles and the Database objects.
    const managed = one(objects, 'Cluster').spec.managed.roles as Role[];
    for (const role of managed) expect(psql('postgres', 'postgres', `CREATE ROLE "${role.name}" ${role.login ? 'LOGIN' : 'NOLOGIN'}`).ok).toBe(true);
    for (const role of managed) {
      for (const group of role.inRoles ?? []) expect(psql('postgres', 'postgres', `GRANT "${group}" TO "${role.name}"`).ok).toBe(true);
    }
    for (const database of only(objects, 'Database') as unknown as { spec: { name: string; owner: string } }[]) {
      expect(psql('postgres', 'postgres', `CREATE DATABASE "${database.spec.name}" OWNER "${database.spec.owner}"`).ok).toBe(true);
    }
    expect(psql('app', 'appdb', 'CREATE TABLE orders (id int); INSERT INTO orders VALUES (1)').ok).toBe(true);
    expect(psql('postgres', 'appdb', 'CREATE TABLE superuser_only (id int)').ok).toBe(true);

    const cronJob = one(objects, 'CronJob');
    // Nothing may connect to the grants pods.
    const isolation = only(objects, 'NetworkPolicy').find((p) => (p as unknown as { spec: { podSelector: { matchLabels: Record<string, string> } } }).spec.podSelector.matchLabels['app.kubernetes.io/component'] === 'grants');
    expect((isolation as unknown as { spec: unknown }).spec).toMatchObject({ policyTypes: ['Ingress'], ingress: [] });
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'grants' });
    const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0] as { command: string[]; env: { name: string; value?: string }[] };
    const user = container.env.find((e) => e.name === 'PGUSER')!.value!;
    const grant = () => run(container.command, { PGHOST: socket, PGPORT: port, PGUSER: user, PGSSLMODE: 'disable' });
    const first = grant();
    expect(first.ok, first.out).toBe(true);

    expect(psql('reporting', 'appdb', 'SELECT count(*) FROM orders')).toEqual({ ok: true, out: '1\n' });
    expect(psql('reporting', 'appdb', 'INSERT INTO orders VALUES (2)').out).toContain('permission denied');
    expect(psql('app2', 'appdb', 'UPDATE orders SET id = 2').ok).toBe(true);
    expect(psql('other', 'appdb', 'SELECT 1').out).toContain('CONNECT privilege');
    // Tables created after the grants are readable through the default privileges.
    expect(psql('app2', 'appdb', 'CREATE TABLE later (id int); INSERT INTO later VALUES (1)').ok).toBe(true);
    expect(psql('reporting', 'appdb', 'SELECT count(*) FROM later')).toEqual({ ok: true, out: '1\n' });
    // Objects of owners the grants role cannot act for are left alone; a second run changes nothing.
    expect(psql('reporting', 'appdb', 'SELECT count(*) FROM superuser_only').out).toContain('permission denied');
    const second = grant();
    expect(second.ok, second.out).toBe(true);
  });
});
