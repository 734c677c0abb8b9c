/**
 * Default network isolation for a managed service: its pods accept traffic only from pods of the
 * same (tenant) namespace and from the operator that manages them; with `external`, also from
 * anywhere on the service ports.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Labels } from '../compiler/context';
import { ex, type Operand } from '../expr/expr';

export interface ServiceNetworkPolicyProps {
  /** Object name; derive it with `ctx.name(...)`. */
  readonly name: string;
  /** Labels of the pods the policy protects. */
  readonly podSelector: Labels;
  /** Namespace the operator runs in (it must reach the pods to manage them). */
  readonly operatorNamespace: string;
  /** Ports the service listens on. */
  readonly ports: readonly number[];
  /**
   * When true, the ports are also open to any address (for the external LoadBalancer).
   * @default false
   */
  readonly external?: Operand<boolean>;
}

export class ServiceNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ServiceNetworkPolicyProps) {
    super(scope, id);
    const ports = props.ports.map((port) => ({ port, protocol: 'TCP' }));
    new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: props.name },
      spec: {
        podSelector: { matchLabels: { ...props.podSelector } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector: {} }] },
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.operatorNamespace } } }],
          },
          // Only packages with an `external` switch get the rule; others get no dead `if false`.
          ...(props.external === undefined ? [] : [ex.when(props.external, { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports })]),
        ],
      },
    });
  }
}
