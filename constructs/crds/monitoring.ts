/**
 * Scrape targets for the two metrics stacks a platform may run: `PodMonitor` of the Prometheus
 * operator (monitoring.coreos.com/v1) and `VMPodScrape` of the VictoriaMetrics operator
 * (operator.victoriametrics.com/v1beta1). Both select pods of the object's namespace by labels and
 * scrape a named container port. Only the fields hearth sets are typed.
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { CrMetadata } from './cnpg';

/** One scraped endpoint of each selected pod. */
export interface PodMetricsEndpoint {
  /** Name of the container port. */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** @default - the collector's global interval */
  readonly interval?: string;
}

export interface PodScrapeSpec {
  readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
  readonly podMetricsEndpoints: readonly PodMetricsEndpoint[];
}

export interface PodScrapeProps {
  readonly metadata: CrMetadata;
  readonly spec: PodScrapeSpec;
}

export class PodMonitor extends ApiObject {
  static readonly API_VERSION = 'monitoring.coreos.com/v1';
  static readonly KIND = 'PodMonitor';

  constructor(scope: Construct, id: string, props: PodScrapeProps) {
    super(scope, id, { apiVersion: PodMonitor.API_VERSION, kind: PodMonitor.KIND, ...props });
  }
}

export class VMPodScrape extends ApiObject {
  static readonly API_VERSION = 'operator.victoriametrics.com/v1beta1';
  static readonly KIND = 'VMPodScrape';

  constructor(scope: Construct, id: string, props: PodScrapeProps) {
    super(scope, id, { apiVersion: VMPodScrape.API_VERSION, kind: VMPodScrape.KIND, ...props });
  }
}
