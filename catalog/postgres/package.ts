/**
 * Managed PostgreSQL: a CloudNativePG `Cluster` (a primary with streaming replicas, automatic
 * failover) with declarative users, databases, extensions, quorum-based synchronous replication,
 * object-store backups and optional external access. Value names follow the platform our users
 * come from, so their specs install unchanged.
 *
 * Access model (the one that platform uses): every database `<db>` gets two group roles,
 * `<db>_admin` (owner of the database) and `<db>_readonly`; a user listed under
 * `databases.<db>.roles.admin` / `.readonly` becomes a member of the matching group. Memberships are
 * part of each user's managed role (`inRoles`), because the operator revokes any membership its
 * roles do not declare.
 */
import { ApiObject } from 'cdk8s';
import { definePackage, ex, v } from '../../constructs';
import { Cluster, Database, ScheduledBackup } from '../../constructs/crds/cnpg';
import {
  dnsLabelKeys,
  dnsLabelPattern,
  externalValue,
  monitoringValue,
  namedMap,
  nameList,
  optionalObject,
  replicasValue,
  settingNameKeys,
  sizeValue,
  storageClassValue,
  stringOrIntegerValue,
} from '../../constructs/k8s/app-values';
import { boundedName } from '../../constructs/k8s/names';
import { PasswordSecret } from '../../constructs/k8s/password-secret';
import { failUnless } from '../../constructs/k8s/render-checks';
import { containerResources, resourcesPresetValue, resourcesValue } from '../../constructs/k8s/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../constructs/k8s/security';
import { addServiceAccess } from '../../constructs/k8s/service-access';
import { GRANTS_ROLE, GRANTS_SCHEDULE, GRANTS_SCRIPT } from './grants';

/** Namespace the platform installs the CloudNativePG operator into; it must reach the pods. */
export const OPERATOR_NAMESPACE = 'postgres-operator';
/** CloudNativePG refuses Cluster names longer than this. */
export const MAX_CLUSTER_NAME = 50;
/** Jobs a CronJob creates add 11 characters to its name, which must stay a 63-character label. */
const MAX_CRONJOB_NAME = 52;
/** uid/gid of the `postgres` user in CloudNativePG's images. */
const POSTGRES_UID = 26;

/**
 * Server parameters that run shell commands or load shared libraries: a tenant who could set them
 * would run code inside the database pods. The operator manages the archive and restore commands
 * itself.
 */
export const REFUSED_PARAMETERS = [
  'archive_command',
  'restore_command',
  'ssl_passphrase_command',
  'archive_cleanup_command',
  'recovery_end_command',
  'dynamic_library_path',
  'local_preload_libraries',
  'session_preload_libraries',
  'shared_preload_libraries',
] as const;

/** PostgreSQL images per major version (CloudNativePG's operand images, pinned minor releases). */
export const VERSIONS = {
  v18: 'ghcr.io/cloudnative-pg/postgresql:18.1',
  v17: 'ghcr.io/cloudnative-pg/postgresql:17.7',
  v16: 'ghcr.io/cloudnative-pg/postgresql:16.11',
  v15: 'ghcr.io/cloudnative-pg/postgresql:15.15',
  v14: 'ghcr.io/cloudnative-pg/postgresql:14.20',
  v13: 'ghcr.io/cloudnative-pg/postgresql:13.22',
} as const;
type Version = keyof typeof VERSIONS;
const VERSION_NAMES = Object.keys(VERSIONS) as [Version, ...Version[]];

/** User and role names: DNS labels, so they can also name the users' Secrets. */
const USER_PATTERN = dnsLabelPattern(63);
/** Database names leave room for the `_readonly` suffix within PostgreSQL's 63-byte identifiers. */
const MAX_DATABASE_NAME = 54;
const EXTENSION_PATTERN = '^[a-z0-9][a-z0-9_-]*$';
/** Six cron fields, the first for seconds (CloudNativePG's scheduler). */
const SCHEDULE_PATTERN = '^[0-9*/,?LW#-]+( [0-9A-Za-z*/,?LW#-]+){5}$';

const values = v.object(
  {
    replicas: replicasValue('Number of PostgreSQL instances: one primary, the rest streaming replicas.', 2, 1, 16),
    size: sizeValue('PostgreSQL', '10Gi'),
    storageClass: storageClassValue(),
    version: v.enum(VERSION_NAMES, {
      description: 'PostgreSQL major version; raising it upgrades the data in place (offline, pg_upgrade), lowering it is refused by the operator.',
      default: 'v18',
    }),
    resources: resourcesValue('each PostgreSQL instance'),
    resourcesPreset: resourcesPresetValue('each PostgreSQL instance', 'micro'),
    external: externalValue('the primary (read-write)'),
    postgresql: v.object(
      {
        parameters: namedMap(stringOrIntegerValue('Value of the server parameter (string or integer).'), {
          description: `PostgreSQL server parameters (e.g. max_connections: 200); values may be strings or integers. Refused because they run commands or load libraries: ${REFUSED_PARAMETERS.join(', ')}.`,
          keys: settingNameKeys(),
          reservedKeys: REFUSED_PARAMETERS,
          reservedReason: 'the parameter runs shell commands or loads libraries inside the database pods',
          maxProperties: 128,
        }),
      },
      { description: 'PostgreSQL server configuration.' },
    ),
    quorum: v.object(
      {
        minSyncReplicas: v.integer({ description: 'Minimum number of synchronous replicas a commit waits for.', default: 0, minimum: 0, maximum: 15 }),
        maxSyncReplicas: v.integer({
          description: 'Maximum number of synchronous replicas; 0 replicates asynchronously. Must be less than replicas.',
          default: 0,
          minimum: 0,
          maximum: 15,
        }),
      },
      { description: 'Quorum-based synchronous replication.' },
    ),
    users: namedMap(
      v.object(
        {
          password: v.optional(v.string({ description: 'Password; generated once and kept when empty.', default: '', maxLength: 128, secret: true })),
          replication: v.optional(v.boolean({ description: 'Allow streaming replication connections (REPLICATION).', default: false })),
        },
        { description: 'A user.' },
      ),
      {
        description: 'Users (login roles), each with its password in the Secret <release>-postgres-user-<name>.',
        keys: dnsLabelKeys(63),
        reservedKeys: ['postgres'],
        reservedReason: 'postgres is the superuser the operator manages',
        maxProperties: 64,
      },
    ),
    databases: namedMap(
      v.object(
        {
          roles: v.optional(
            optionalObject(
              v.object(
                {
                  admin: v.optional(nameList('Users that own and administer the database (members of <db>_admin).', USER_PATTERN)),
                  readonly: v.optional(nameList('Users that read the database (members of <db>_readonly).', USER_PATTERN)),
                },
                { description: 'Users with access to the database.' },
              ),
            ),
          ),
          extensions: v.optional(nameList('Extensions to create in the database (e.g. pg_trgm, hstore).', EXTENSION_PATTERN)),
        },
        { description: 'A database.' },
      ),
      {
        description: 'Databases, each owned by its group role <name>_admin.',
        keys: dnsLabelKeys(MAX_DATABASE_NAME),
        reservedKeys: ['postgres', 'template0', 'template1'],
        reservedReason: 'the database exists in every cluster and belongs to the operator',
        maxProperties: 64,
      },
    ),
    backup: v.object(
      {
        enabled: v.boolean({ description: 'Archive WAL continuously and take scheduled base backups to an S3-compatible object store.', default: false }),
        schedule: v.string({ description: 'When to take base backups: cron with a leading seconds field.', default: '0 0 2 * * *', pattern: SCHEDULE_PATTERN, maxLength: 100 }),
        retentionPolicy: v.string({ description: 'How long backups are kept (e.g. 30d, 4w, 6m).', default: '30d', pattern: '^[1-9][0-9]*[dwm]$', maxLength: 10 }),
        destinationPath: v.string({ description: 'Where backups go (s3://bucket/path); required when enabled.', default: '', pattern: '^$|^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\\s]*)?$', maxLength: 1024 }),
        endpointURL: v.string({ description: 'S3 endpoint URL; empty uses AWS S3.', default: '', pattern: '^$|^https?://[^\\s]+$', maxLength: 1024 }),
        s3AccessKey: v.string({ description: 'S3 access key id (stored in the Secret <release>-postgres-backup-s3).', default: '', maxLength: 256, secret: true }),
        s3SecretKey: v.string({ description: 'S3 secret access key (stored in the Secret <release>-postgres-backup-s3).', default: '', maxLength: 256, secret: true }),
        s3CredentialsSecret: v.object(
          {
            name: v.string({ description: 'An existing Secret with the S3 credentials; empty creates one from s3AccessKey and s3SecretKey.', default: '', pattern: `^$|${dnsLabelPattern(63).slice(1)}`, maxLength: 63 }),
            accessKeyIDKey: v.string({ description: 'Key of the access key id in the existing Secret.', default: 'AWS_ACCESS_KEY_ID', pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253 }),
            secretAccessKeyKey: v.string({ description: 'Key of the secret access key in the existing Secret.', default: 'AWS_SECRET_ACCESS_KEY', pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253 }),
          },
          { description: 'Credentials from an existing Secret instead of s3AccessKey and s3SecretKey.', advanced: true },
        ),
      },
      { description: 'Backups to an S3-compatible object store.' },
    ),
    monitoring: monitoringValue('the PostgreSQL instances'),
  },
  { description: 'PostgreSQL values.' },
);

export default definePackage({
  name: 'postgres',
  version: '0.1.0',
  kind: 'app',
  category: 'PaaS',
  description: 'Managed PostgreSQL with automatic failover, declarative users and databases, and backups to object storage.',
  icon: 'icon.svg',
  keywords: ['postgres', 'postgresql', 'database', 'sql', 'cloudnative-pg'],
  maintainers: [{ name: 'hearth maintainers' }],
  appVersion: '18.1',
  kubeVersion: '>=1.29.0-0',
  home: 'https://www.postgresql.org',
  sources: ['https://github.com/cloudnative-pg/cloudnative-pg'],
  images: VERSION_NAMES.map((version) => ({ name: `postgresql-${version}`, image: VERSIONS[version] })),
  dependsOn: ['postgres-operator'],
  keysOrder: ['replicas', 'size', 'storageClass', 'version', 'resources', 'resourcesPreset', 'external', 'users', 'databases', 'postgresql', 'quorum', 'backup', 'monitoring'],
  values,
  build(scope, values, ctx) {
    const clusterName = boundedName(ctx, MAX_CLUSTER_NAME);
    const imageName = ex.index<string>(
      Object.fromEntries(VERSION_NAMES.map((version) => [version, ctx.image(`postgresql-${version}`)])),
      values.version,
      'string',
    );

    // CloudNativePG rejects these combinations at admission; failing the render names the value.
    const maxSyncReplicas = failUnless(
      values.quorum.maxSyncReplicas,
      ex.lt(values.quorum.maxSyncReplicas, values.replicas),
      'quorum.maxSyncReplicas must be less than replicas (the primary cannot be its own synchronous replica)',
    );
    const minSyncReplicas = failUnless(
      values.quorum.minSyncReplicas,
      ex.le(values.quorum.minSyncReplicas, values.quorum.maxSyncReplicas),
      'quorum.minSyncReplicas must not be greater than quorum.maxSyncReplicas',
    );

    // Backup credentials: a Secret the chart writes from the values, or one the tenant already has.
    const ownCredentials = ex.eq(values.backup.s3CredentialsSecret.name, '');
    const credentialsGiven = ex.and(ex.ne(values.backup.s3AccessKey, ''), ex.ne(values.backup.s3SecretKey, ''));
    // Rendered only with backups on: an enabled backup without credentials would never archive.
    const credentialsSecret = ex.str(failUnless(
      ex.ternary<string>(ownCredentials, ctx.name('backup-s3'), values.backup.s3CredentialsSecret.name),
      ex.or(ex.not(ownCredentials), credentialsGiven),
      'backup.s3AccessKey and backup.s3SecretKey are required when backup.enabled is true and backup.s3CredentialsSecret.name is empty',
    ));
    const credentialKey = (own: string, given: typeof values.backup.s3CredentialsSecret.accessKeyIDKey) => ex.str(ex.ternary(ownCredentials, own, given));

    const hasDatabases = ex.not(ex.empty(values.databases));
    const grantsSecret = ctx.name('grants');

    ctx.each(scope, 'users', values.users, (s, user, name) => {
      new PasswordSecret(s, 'secret', ctx, {
        name: ctx.name('user', name),
        password: user.password,
        extra: { username: name },
        // The operator reads role passwords from basic-auth Secrets and reloads on this label.
        type: 'kubernetes.io/basic-auth',
        labels: { 'cnpg.io/reload': 'true' },
      });
    });

    new Cluster(scope, 'cluster', {
      metadata: {
        name: clusterName,
        // The Cluster owns its volumes: uninstalling the release must not delete the data.
        annotations: { 'helm.sh/resource-policy': 'keep' },
      },
      spec: {
        instances: ex.num(values.replicas),
        imageName: ex.str(imageName),
        postgresql: { parameters: ex.obj(ex.integersAsStrings(values.postgresql.parameters)) },
        minSyncReplicas: ex.num(minSyncReplicas),
        maxSyncReplicas: ex.num(maxSyncReplicas),
        storage: {
          size: ex.str(values.size),
          storageClass: ex.when(ex.ne(values.storageClass, ''), ex.str(values.storageClass)),
        },
        resources: containerResources(values.resources, values.resourcesPreset),
        enableSuperuserAccess: false,
        enablePDB: true,
        managed: {
          roles: [
            ex.each(values.users, (user, name) => ({
              name: ex.str(name),
              ensure: 'present' as const,
              login: true,
              replication: ex.bool(user.replication),
              passwordSecret: { name: ctx.name('user', name) },
              inRoles: [
                ex.each(values.databases, (db, database) => ex.when(ex.has(db.roles.admin, name), `${database}_admin`)),
                ex.each(values.databases, (db, database) => ex.when(ex.has(db.roles.readonly, name), `${database}_readonly`)),
              ],
            })),
            ex.each(values.databases, (_db, database) => ({
              name: `${database}_admin`,
              ensure: 'present' as const,
              login: false,
              comment: `Owner of database ${database}; its members administer it.`,
            })),
            ex.each(values.databases, (_db, database) => ({
              name: `${database}_readonly`,
              ensure: 'present' as const,
              login: false,
              comment: `Read-only access to database ${database}.`,
            })),
            // The grants CronJob's role: it acts for every owner whose objects it grants on.
            ex.when(hasDatabases, {
              name: GRANTS_ROLE,
              ensure: 'present' as const,
              login: true,
              comment: 'Grants the privileges of the <db>_admin and <db>_readonly groups (hearth).',
              passwordSecret: { name: grantsSecret },
              inRoles: [
                ex.each(values.databases, (_db, database) => `${database}_admin`),
                ex.each(values.users, (_user, name) => ex.str(name)),
              ],
            }),
          ],
        },
        backup: ex.when(values.backup.enabled, {
          barmanObjectStore: {
            destinationPath: ex.str(ex.required(values.backup.destinationPath, 'backup.destinationPath is required when backup.enabled is true (s3://bucket/path)')),
            endpointURL: ex.when(ex.ne(values.backup.endpointURL, ''), ex.str(values.backup.endpointURL)),
            s3Credentials: {
              accessKeyId: { name: credentialsSecret, key: credentialKey('AWS_ACCESS_KEY_ID', values.backup.s3CredentialsSecret.accessKeyIDKey) },
              secretAccessKey: { name: credentialsSecret, key: credentialKey('AWS_SECRET_ACCESS_KEY', values.backup.s3CredentialsSecret.secretAccessKeyKey) },
            },
            wal: { compression: 'gzip' as const },
            data: { compression: 'gzip' as const },
          },
          retentionPolicy: ex.str(values.backup.retentionPolicy),
        }),
      },
    });

    ctx.each(scope, 'databases', values.databases, (s, db, database) => {
      new Database(s, 'database', {
        metadata: { name: ctx.name('db', database) },
        spec: {
          cluster: { name: clusterName },
          name: ex.str(database),
          owner: `${database}_admin`,
          ensure: 'present',
          // Removing a database from the values stops managing it; the data stays.
          databaseReclaimPolicy: 'retain',
          extensions: [ex.each(db.extensions, (extension) => ({ name: ex.str(extension), ensure: 'present' as const }))],
        },
      });
    });

    // Credentials given in the values are stored as given, also while backups are off (as on the
    // platform our users come from), so enabling backups later needs no second secret-bearing change.
    ctx.if(scope, 'backup-credentials', ex.and(ownCredentials, ex.or(values.backup.enabled, ex.ne(values.backup.s3AccessKey, ''), ex.ne(values.backup.s3SecretKey, ''))), (c) => {
      new ApiObject(c, 's3', {
        apiVersion: 'v1',
        kind: 'Secret',
        // Kept with the Cluster (which uninstall leaves in place) so its WAL archiving keeps working.
        metadata: { name: ctx.name('backup-s3'), annotations: { 'helm.sh/resource-policy': 'keep' } },
        type: 'Opaque',
        data: {
          AWS_ACCESS_KEY_ID: ex.str(ex.b64enc(values.backup.s3AccessKey)),
          AWS_SECRET_ACCESS_KEY: ex.str(ex.b64enc(values.backup.s3SecretKey)),
        },
      });
    });

    const grantsPodLabels = { ...ctx.selectorLabels, 'app.kubernetes.io/component': 'grants' };
    ctx.if(scope, 'grants', hasDatabases, (s) => {
      new PasswordSecret(s, 'secret', ctx, {
        name: grantsSecret,
        extra: { username: GRANTS_ROLE },
        type: 'kubernetes.io/basic-auth',
        labels: { 'cnpg.io/reload': 'true' },
      });
      new ApiObject(s, 'cronjob', {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: boundedName(ctx, MAX_CRONJOB_NAME, 'grants') },
        spec: {
          schedule: GRANTS_SCHEDULE,
          concurrencyPolicy: 'Forbid',
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 1,
          jobTemplate: {
            spec: {
              backoffLimit: 1,
              activeDeadlineSeconds: 300,
              ttlSecondsAfterFinished: 3600,
              template: {
                metadata: { labels: grantsPodLabels },
                spec: {
                  restartPolicy: 'Never',
                  automountServiceAccountToken: false,
                  securityContext: restrictedPodSecurityContext(POSTGRES_UID),
                  containers: [
                    {
                      name: 'grants',
                      image: ex.str(imageName),
                      command: ['bash', '-c', GRANTS_SCRIPT],
                      env: [
                        { name: 'PGHOST', value: `${clusterName}-rw` },
                        { name: 'PGPORT', value: String(Cluster.POSTGRES_PORT) },
                        { name: 'PGUSER', value: GRANTS_ROLE },
                        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: grantsSecret, key: 'password' } } },
                        { name: 'PGSSLMODE', value: 'require' },
                        { name: 'PGCONNECT_TIMEOUT', value: '10' },
                        { name: 'HOME', value: '/tmp' },
                      ],
                      resources: containerResources({ cpu: ex.lit(''), memory: ex.lit('') }, ex.lit('nano')),
                      securityContext: restrictedContainerSecurityContext(),
                      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                    },
                  ],
                  volumes: [{ name: 'tmp', emptyDir: {} }],
                },
              },
            },
          },
        },
      });
      // The grants pods only connect out; nothing may connect to them.
      new ApiObject(s, 'isolation', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: ctx.name('grants') },
        spec: { podSelector: { matchLabels: grantsPodLabels }, policyTypes: ['Ingress'], ingress: [] },
      });
    });

    ctx.if(scope, 'backup', values.backup.enabled, (s) => {
      new ScheduledBackup(s, 'schedule', {
        metadata: { name: ctx.name('backup') },
        spec: {
          cluster: { name: clusterName },
          schedule: ex.str(values.backup.schedule),
          method: 'barmanObjectStore',
          immediate: true,
          backupOwnerReference: 'self',
        },
      });
    });

    addServiceAccess(scope, ctx, {
      values,
      operatorNamespace: OPERATOR_NAMESPACE,
      podSelector: Cluster.podLabels(clusterName),
      ports: [Cluster.POSTGRES_PORT],
      external: { selector: Cluster.primaryLabels(clusterName), port: { name: 'postgres', port: Cluster.POSTGRES_PORT } },
      metrics: { selector: Cluster.podLabels(clusterName), portName: Cluster.METRICS_PORT.name },
    });
  },
});
