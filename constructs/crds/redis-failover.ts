/**
 * `RedisFailover` — databases.spotahome.com/v1 (spotahome/redis-operator and its maintained fork
 * freshworks-oss/redis-operator). Only the fields hearth sets are typed here; names follow the
 * upstream Go API (`RedisFailoverSpec`, `RedisSettings`, `SentinelSettings`, `RedisStorage`).
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

/** Resource requests/limits (core/v1 ResourceRequirements). */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

/** `RedisStorage`: where the redis data lives. */
export interface RedisStorage {
  /** Keep the PVCs when the RedisFailover is deleted. */
  readonly keepAfterDeletion?: boolean;
  readonly persistentVolumeClaim?: {
    readonly metadata: { readonly name: string };
    readonly spec: {
      readonly accessModes: readonly string[];
      readonly resources: { readonly requests: { readonly storage: string } };
      readonly storageClassName?: string;
    };
  };
}

/** Settings shared by `RedisSettings` and `SentinelSettings`. */
export interface FailoverPodSettings {
  readonly replicas: number;
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly resources?: ResourceRequirements;
  /** Pod-level security context (core/v1 PodSecurityContext). */
  readonly securityContext?: Readonly<Record<string, unknown>>;
  /** Container-level security context (core/v1 SecurityContext). */
  readonly containerSecurityContext?: Readonly<Record<string, unknown>>;
  readonly customConfig?: readonly string[];
  /** ServiceAccount of the pods (core/v1 PodSpec.serviceAccountName). */
  readonly serviceAccountName?: string;
  /** Further containers of the pods (core/v1 Container); the operator adds the Redis env to them. */
  readonly extraContainers?: readonly Readonly<Record<string, unknown>>[];
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** A redis_exporter sidecar (named container port `metrics`, 9121). */
  readonly exporter?: {
    readonly enabled: boolean;
    readonly image?: string;
    readonly containerSecurityContext?: Readonly<Record<string, unknown>>;
    readonly resources?: ResourceRequirements;
  };
}

/** `RedisSettings`. */
export interface RedisSettings extends FailoverPodSettings {
  readonly port?: number;
  readonly storage?: RedisStorage;
}

/** `SentinelSettings`. */
export interface SentinelSettings extends FailoverPodSettings {
  /** The init container that copies sentinel.conf into a writable volume. */
  readonly configCopy?: { readonly containerSecurityContext?: Readonly<Record<string, unknown>> };
}

/** `RedisFailoverSpec`. */
export interface RedisFailoverSpec {
  readonly redis: RedisSettings;
  readonly sentinel: SentinelSettings;
  /** `AuthSettings`: a Secret (in the same namespace) whose key `password` holds the password. */
  readonly auth?: { readonly secretPath: string };
  /** Labels of the RedisFailover propagated to the objects the operator creates. */
  readonly labelWhitelist?: readonly string[];
}

export interface RedisFailoverProps {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: RedisFailoverSpec;
}

export class RedisFailover extends ApiObject {
  static readonly API_VERSION = 'databases.spotahome.com/v1';
  static readonly KIND = 'RedisFailover';

  /** Labels the operator puts on the pods of a component (`redis` or `sentinel`). */
  static podLabels(failoverName: string, component: 'redis' | 'sentinel'): Record<string, string> {
    return {
      'app.kubernetes.io/name': failoverName,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': 'redis-failover',
    };
  }

  constructor(scope: Construct, id: string, props: RedisFailoverProps) {
    super(scope, id, { apiVersion: RedisFailover.API_VERSION, kind: RedisFailover.KIND, ...props });
  }
}
