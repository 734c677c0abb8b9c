/**
 * A credentials Secret whose password is given or generated once and kept: the value survives
 * upgrades (read back through the chart's stable-password helper) and uninstalls
 * (`helm.sh/resource-policy: keep`), because data encrypted or replicated with it cannot be
 * re-keyed by regenerating it.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GENERATED_KEYS_ANNOTATION, type BuildContext } from '../compiler/context';
import { ex, type Operand } from '../expr/expr';

export interface PasswordSecretProps {
  /** Object name; derive it with `ctx.name(...)`. */
  readonly name: string;
  /**
   * Password to store; empty means "generate".
   * @default '' (generated)
   */
  readonly password?: Operand<string>;
  /**
   * Key holding the password.
   * @default 'password'
   */
  readonly key?: string;
  /**
   * Further literal or expression entries (e.g. `username`), stored as they are.
   * @default {}
   */
  readonly extra?: Readonly<Record<string, Operand<string>>>;
  /**
   * Secret type; `kubernetes.io/basic-auth` requires the keys `username` and `password`.
   * @default 'Opaque'
   */
  readonly type?: 'Opaque' | 'kubernetes.io/basic-auth';
  /**
   * Labels for the consumers that watch the Secret (e.g. an operator's reload label).
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

export class PasswordSecret extends Construct {
  /** The Secret's name (a marker string usable in props). */
  readonly secretName: string;
  /** The key holding the password. */
  readonly key: string;

  constructor(scope: Construct, id: string, ctx: BuildContext, props: PasswordSecretProps) {
    super(scope, id);
    this.secretName = props.name;
    this.key = props.key ?? 'password';
    const data: Record<string, string> = {};
    for (const [k, value] of Object.entries(props.extra ?? {})) data[k] = ex.str(ex.b64enc(value));
    data[this.key] = ex.str(ex.b64enc(ctx.stablePassword(props.name, this.key, props.password ?? '')));
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: props.name,
        ...(props.labels ? { labels: { ...props.labels } } : {}),
        annotations: { 'helm.sh/resource-policy': 'keep', [GENERATED_KEYS_ANNOTATION]: this.key },
      },
      type: props.type ?? 'Opaque',
      data,
    });
  }
}
