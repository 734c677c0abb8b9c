/**
 * RabbitMQ custom resources, group rabbitmq.com, version v1beta1: `RabbitmqCluster` from the
 * cluster operator (rabbitmq/cluster-operator) and `User`, `Vhost`, `Permission` from the messaging
 * topology operator (rabbitmq/messaging-topology-operator). Only the fields hearth sets are typed;
 * names follow the upstream Go API (`RabbitmqClusterSpec`, `UserSpec`, `VhostSpec`,
 * `PermissionSpec`).
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { CrMetadata } from './cnpg';
import type { ResourceRequirements } from './redis-failover';

export const RABBITMQ_API_VERSION = 'rabbitmq.com/v1beta1';

/** A reference to the RabbitmqCluster a topology object belongs to (same namespace). */
export interface RabbitmqClusterReference {
  readonly name: string;
}

/** `RabbitmqClusterSpec`. */
export interface RabbitmqClusterSpec {
  readonly replicas: number;
  readonly image: string;
  readonly persistence: { readonly storage: string; readonly storageClassName?: string };
  readonly resources?: ResourceRequirements;
  readonly service?: { readonly type: 'ClusterIP' | 'LoadBalancer' | 'NodePort' };
  /**
   * A strategic merge patch over the StatefulSet the operator builds (hearth uses it for pod and
   * container security contexts).
   */
  readonly override?: { readonly statefulSet?: { readonly spec?: { readonly template?: Record<string, unknown> } } };
}

export interface RabbitmqClusterProps {
  readonly metadata: CrMetadata;
  readonly spec: RabbitmqClusterSpec;
}

export class RabbitmqCluster extends ApiObject {
  static readonly KIND = 'RabbitmqCluster';
  static readonly AMQP_PORT = 5672;
  static readonly MANAGEMENT_PORT = 15672;
  /** The rabbitmq_prometheus plugin's named container port (the operator enables the plugin). */
  static readonly METRICS_PORT = { name: 'prometheus', port: 15692 } as const;
  /** Erlang distribution and peer discovery ports used between the cluster's own pods. */
  static readonly CLUSTER_PORTS = [4369, 25672] as const;
  /** Name of the operator's main container (`rabbitmq`) and of its init container. */
  static readonly CONTAINER = 'rabbitmq';
  static readonly SETUP_CONTAINER = 'setup-container';
  /** uid of the `rabbitmq` user in the official images (the operator runs the pods as it). */
  static readonly UID = 999;

  /** Labels the operator puts on the cluster's pods. */
  static podLabels(clusterName: string): Record<string, string> {
    return { 'app.kubernetes.io/name': clusterName, 'app.kubernetes.io/component': 'rabbitmq', 'app.kubernetes.io/part-of': 'rabbitmq' };
  }

  /** The client Service and the Secret with the operator-generated default user. */
  static serviceName(clusterName: string): string {
    return clusterName;
  }

  constructor(scope: Construct, id: string, props: RabbitmqClusterProps) {
    super(scope, id, { apiVersion: RABBITMQ_API_VERSION, kind: RabbitmqCluster.KIND, ...props });
  }
}

/** `UserSpec`: a user whose credentials come from a Secret with keys `username` and `password`. */
export interface UserSpec {
  readonly rabbitmqClusterReference: RabbitmqClusterReference;
  readonly importCredentialsSecret: { readonly name: string };
  /** @default [] */
  readonly tags?: readonly ('management' | 'policymaker' | 'monitoring' | 'administrator')[];
}

export class RabbitmqUser extends ApiObject {
  static readonly KIND = 'User';

  constructor(scope: Construct, id: string, props: { readonly metadata: CrMetadata; readonly spec: UserSpec }) {
    super(scope, id, { apiVersion: RABBITMQ_API_VERSION, kind: RabbitmqUser.KIND, ...props });
  }
}

/** `VhostSpec`. */
export interface VhostSpec {
  /** The vhost's name inside RabbitMQ. */
  readonly name: string;
  readonly rabbitmqClusterReference: RabbitmqClusterReference;
  /** `retain` keeps the vhost and its queues when the object is deleted. */
  readonly deletionPolicy?: 'delete' | 'retain';
}

export class Vhost extends ApiObject {
  static readonly KIND = 'Vhost';

  constructor(scope: Construct, id: string, props: { readonly metadata: CrMetadata; readonly spec: VhostSpec }) {
    super(scope, id, { apiVersion: RABBITMQ_API_VERSION, kind: Vhost.KIND, ...props });
  }
}

/** Regular expressions on resource names, as RabbitMQ permissions take them. */
export interface PermissionRules {
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

/** `PermissionSpec`. */
export interface PermissionSpec {
  readonly vhost: string;
  /** The `User` object whose user gets the permissions (the operator reads its username). */
  readonly userReference: { readonly name: string };
  readonly permissions: PermissionRules;
  readonly rabbitmqClusterReference: RabbitmqClusterReference;
}

export class Permission extends ApiObject {
  static readonly KIND = 'Permission';
  /** Everything on every resource of the vhost. */
  static readonly ADMIN: PermissionRules = { configure: '.*', write: '.*', read: '.*' };
  /** Read (consume, bind from) only; `^$` matches no resource. */
  static readonly READONLY: PermissionRules = { configure: '^$', write: '^$', read: '.*' };

  constructor(scope: Construct, id: string, props: { readonly metadata: CrMetadata; readonly spec: PermissionSpec }) {
    super(scope, id, { apiVersion: RABBITMQ_API_VERSION, kind: Permission.KIND, ...props });
  }
}
