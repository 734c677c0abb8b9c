/**
 * A ServiceAccount for pods that never talk to the Kubernetes API: with
 * `automountServiceAccountToken: false` no API token reaches them, so a compromised process
 * cannot use one. Operators that build the pods take its name (e.g. RedisFailover's
 * `serviceAccountName`).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export interface TokenlessServiceAccountProps {
  /** Object name; derive it with `ctx.name(...)`. */
  readonly name: string;
}

export class TokenlessServiceAccount extends Construct {
  readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: TokenlessServiceAccountProps) {
    super(scope, id);
    this.serviceAccountName = props.name;
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: props.name },
      automountServiceAccountToken: false,
    });
  }
}
