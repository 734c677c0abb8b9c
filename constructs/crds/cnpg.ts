/**
 * CloudNativePG custom resources — postgresql.cnpg.io/v1 (cloudnative-pg/cloudnative-pg): `Cluster`,
 * `Database` and `ScheduledBackup`. Only the fields hearth sets are typed; names follow the upstream
 * Go API (`ClusterSpec`, `RoleConfiguration`, `BarmanObjectStoreConfiguration`, `DatabaseSpec`,
 * `ScheduledBackupSpec`). Backups use the operator's built-in Barman object store
 * (`spec.backup.barmanObjectStore`): the Barman Cloud plugin's `ObjectStore` kind is a separate
 * operator whose CRD hearth does not validate against.
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResourceRequirements } from './redis-failover';

export const CNPG_API_VERSION = 'postgresql.cnpg.io/v1';

/** Object metadata a typed CR takes (the compiler adds namespace and standard labels). */
export interface CrMetadata {
  readonly name: string;
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A key of a Secret in the Cluster's namespace (`SecretKeySelector`). */
export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
}

/** `RoleConfiguration`: one role under `spec.managed.roles`. */
export interface RoleConfiguration {
  readonly name: string;
  /** `present` (the default) or `absent`. */
  readonly ensure?: 'present' | 'absent';
  readonly comment?: string;
  readonly login?: boolean;
  readonly replication?: boolean;
  readonly inherit?: boolean;
  readonly superuser?: boolean;
  readonly createdb?: boolean;
  readonly createrole?: boolean;
  /** Roles this role is a member of; the operator grants and revokes to match the list exactly. */
  readonly inRoles?: readonly string[];
  /** A `kubernetes.io/basic-auth` Secret whose `username` is the role name. */
  readonly passwordSecret?: { readonly name: string };
  readonly disablePassword?: boolean;
}

/** `BarmanObjectStoreConfiguration` for an S3-compatible store. */
export interface BarmanObjectStore {
  /** `s3://bucket/path`. */
  readonly destinationPath: string;
  /** @default - AWS S3 */
  readonly endpointURL?: string;
  readonly s3Credentials: { readonly accessKeyId: SecretKeySelector; readonly secretAccessKey: SecretKeySelector };
  readonly wal?: { readonly compression?: 'gzip' | 'bzip2' | 'snappy' | 'lz4' | 'xz' | 'zstd' };
  readonly data?: { readonly compression?: 'gzip' | 'bzip2' | 'snappy' | 'lz4' };
}

/** `ClusterSpec`. */
export interface ClusterSpec {
  readonly instances: number;
  readonly imageName: string;
  readonly postgresql?: { readonly parameters?: Readonly<Record<string, string>> };
  /** Quorum-based synchronous replication bounds (the operator requires min ≤ max < instances). */
  readonly minSyncReplicas?: number;
  readonly maxSyncReplicas?: number;
  readonly storage: { readonly size: string; readonly storageClass?: string };
  readonly resources?: ResourceRequirements;
  /** Creates the `<name>-superuser` Secret; off keeps superuser access out of tenants' hands. */
  readonly enableSuperuserAccess?: boolean;
  readonly managed?: { readonly roles?: readonly RoleConfiguration[] };
  readonly backup?: { readonly barmanObjectStore: BarmanObjectStore; readonly retentionPolicy?: string };
  /** Metadata copied onto every object the operator creates (pods, Services, PVCs). */
  readonly inheritedMetadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  /** The operator's own PodDisruptionBudgets for primary and replicas. */
  readonly enablePDB?: boolean;
}

export interface ClusterProps {
  readonly metadata: CrMetadata;
  readonly spec: ClusterSpec;
}

/** `Cluster`: a PostgreSQL primary with streaming replicas, run by the CloudNativePG operator. */
export class Cluster extends ApiObject {
  static readonly KIND = 'Cluster';
  /** Port of PostgreSQL in the instance pods and behind the `-rw`/`-ro`/`-r` Services. */
  static readonly POSTGRES_PORT = 5432;
  /** Named container port of the instance manager's Prometheus exporter. */
  static readonly METRICS_PORT = { name: 'metrics', port: 9187 } as const;
  /** Port of the instance manager's status endpoint (the operator polls it). */
  static readonly STATUS_PORT = 8000;

  /** Labels the operator puts on every instance pod of the cluster. */
  static podLabels(clusterName: string): Record<string, string> {
    return { 'cnpg.io/cluster': clusterName, 'cnpg.io/podRole': 'instance' };
  }

  /** Labels of the current primary's pod (the operator moves them on failover). */
  static primaryLabels(clusterName: string): Record<string, string> {
    return { ...Cluster.podLabels(clusterName), 'cnpg.io/instanceRole': 'primary' };
  }

  /** The Services the operator creates: read-write (primary), read-only (replicas), any instance. */
  static serviceNames(clusterName: string): { readonly rw: string; readonly ro: string; readonly r: string } {
    return { rw: `${clusterName}-rw`, ro: `${clusterName}-ro`, r: `${clusterName}-r` };
  }

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id, { apiVersion: CNPG_API_VERSION, kind: Cluster.KIND, ...props });
  }
}

/** One extension of a `Database` (`ExtensionSpec`). */
export interface DatabaseExtension {
  readonly name: string;
  readonly ensure?: 'present' | 'absent';
}

/** `DatabaseSpec`. */
export interface DatabaseSpec {
  readonly cluster: { readonly name: string };
  /** Name of the database inside PostgreSQL. */
  readonly name: string;
  readonly owner: string;
  readonly ensure?: 'present' | 'absent';
  /** `retain` keeps the database when the object is deleted. */
  readonly databaseReclaimPolicy?: 'retain' | 'delete';
  readonly extensions?: readonly DatabaseExtension[];
}

export interface DatabaseProps {
  readonly metadata: CrMetadata;
  readonly spec: DatabaseSpec;
}

/** `Database`: a database inside a Cluster, reconciled by the operator. */
export class Database extends ApiObject {
  static readonly KIND = 'Database';

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id, { apiVersion: CNPG_API_VERSION, kind: Database.KIND, ...props });
  }
}

/** `ScheduledBackupSpec`. */
export interface ScheduledBackupSpec {
  readonly cluster: { readonly name: string };
  /** Cron schedule with a leading seconds field (six fields). */
  readonly schedule: string;
  readonly method?: 'barmanObjectStore' | 'volumeSnapshot' | 'plugin';
  /** Take the first backup as soon as the object exists. */
  readonly immediate?: boolean;
  /** Which object owns the Backups it creates. */
  readonly backupOwnerReference?: 'none' | 'self' | 'cluster';
}

export interface ScheduledBackupProps {
  readonly metadata: CrMetadata;
  readonly spec: ScheduledBackupSpec;
}

/** `ScheduledBackup`: periodic base backups of a Cluster. */
export class ScheduledBackup extends ApiObject {
  static readonly KIND = 'ScheduledBackup';

  constructor(scope: Construct, id: string, props: ScheduledBackupProps) {
    super(scope, id, { apiVersion: CNPG_API_VERSION, kind: ScheduledBackup.KIND, ...props });
  }
}
