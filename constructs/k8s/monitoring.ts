/**
 * The `monitoring` switch of the shared app values: scrape targets for the pods' metrics port, for
 * both metrics stacks a platform may run (Prometheus operator `PodMonitor`, VictoriaMetrics
 * operator `VMPodScrape`). A cluster without one of the operators rejects that object's kind, so
 * the switch is off by default and documented as needing the platform's monitoring.
 */
import { Construct } from 'constructs';
import type { Labels } from '../compiler/context';
import { PodMonitor, VMPodScrape, type PodScrapeSpec } from '../crds/monitoring';

export interface PodMetricsScrapeProps {
  /** Name of both objects; derive it with `ctx.name(...)`. */
  readonly name: string;
  /** Labels of the pods to scrape (usually set by the operator). */
  readonly selector: Labels;
  /** Name of the pods' metrics container port. */
  readonly port: string;
  /**
   * HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly path?: string;
}

export class PodMetricsScrape extends Construct {
  constructor(scope: Construct, id: string, props: PodMetricsScrapeProps) {
    super(scope, id);
    const spec: PodScrapeSpec = {
      selector: { matchLabels: { ...props.selector } },
      podMetricsEndpoints: [{ port: props.port, path: props.path ?? '/metrics' }],
    };
    new PodMonitor(this, 'prometheus', { metadata: { name: props.name }, spec });
    new VMPodScrape(this, 'victoria-metrics', { metadata: { name: props.name }, spec });
  }
}
