/**
 * A PodDisruptionBudget for pods whose operator creates none (RabbitMQ's cluster operator, for
 * one): voluntary evictions such as node drains take at most one pod of the set at a time, so a
 * quorum-based cluster keeps its majority while nodes are maintained.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Labels } from '../compiler/context';

export interface PodDisruptionBudgetProps {
  /** Object name; derive it with `ctx.name(...)`. */
  readonly name: string;
  /** Labels of the pods the budget covers. */
  readonly selector: Labels;
  /**
   * Pods that may be evicted at the same time.
   * @default 1
   */
  readonly maxUnavailable?: number;
}

export class PodDisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: PodDisruptionBudgetProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: props.name },
      spec: {
        maxUnavailable: props.maxUnavailable ?? 1,
        selector: { matchLabels: { ...props.selector } },
      },
    });
  }
}
