/**
 * The `external` switch of the shared app values: a LoadBalancer Service in front of the primary.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Labels } from '../compiler/context';

export interface ExternalServiceProps {
  /** Object name; derive it with `ctx.name(...)`. */
  readonly name: string;
  /** Labels of the pods to expose (usually set by the operator). */
  readonly selector: Labels;
  readonly ports: readonly { readonly name: string; readonly port: number }[];
}

export class ExternalService extends Construct {
  constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: props.name },
      spec: {
        type: 'LoadBalancer',
        // Keep client source addresses visible to the database's own access rules.
        externalTrafficPolicy: 'Local',
        selector: { ...props.selector },
        ports: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: 'TCP' })),
      },
    });
  }
}
