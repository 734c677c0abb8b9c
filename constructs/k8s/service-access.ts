/**
 * How a managed service is reached, the same way for every package: a NetworkPolicy admitting the
 * tenant namespace and the operator, a LoadBalancer Service behind `external`, and metrics scrape
 * targets behind `monitoring`. The construct ids (`network-policy`, `external/service`,
 * `monitoring/metrics`) are created in the caller's scope: they name the chart's template files, so
 * they are part of each package's contract.
 */
import type { Construct } from 'constructs';
import type { BuildContext, Labels } from '../compiler/context';
import type { Expr } from '../expr/expr';
import { ExternalService } from './external-service';
import { PodMetricsScrape } from './monitoring';
import { ServiceNetworkPolicy } from './network-policy';

export interface ServiceAccessProps {
  /** The `external` and `monitoring` values of the package. */
  readonly values: { readonly external: Expr<boolean>; readonly monitoring: Expr<boolean> };
  /** Namespace of the operator that manages the pods. */
  readonly operatorNamespace: string;
  /** Labels of every pod of the service (the NetworkPolicy protects them all). */
  readonly podSelector: Labels;
  /** Ports the pods listen on; all are admitted from the tenant namespace and the operator. */
  readonly ports: readonly number[];
  /** Pods the LoadBalancer sends traffic to (usually the primary) and the port it exposes. */
  readonly external: { readonly selector: Labels; readonly port: { readonly name: string; readonly port: number } };
  /** Pods that export metrics and the name of their metrics port. */
  readonly metrics: { readonly selector: Labels; readonly portName: string };
}

export function addServiceAccess(scope: Construct, ctx: BuildContext, props: ServiceAccessProps): void {
  new ServiceNetworkPolicy(scope, 'network-policy', {
    name: ctx.name('isolation'),
    podSelector: props.podSelector,
    operatorNamespace: props.operatorNamespace,
    ports: props.ports,
    external: props.values.external,
  });
  ctx.if(scope, 'external', props.values.external, (s) => {
    new ExternalService(s, 'service', { name: ctx.name('external'), selector: props.external.selector, ports: [props.external.port] });
  });
  ctx.if(scope, 'monitoring', props.values.monitoring, (s) => {
    new PodMetricsScrape(s, 'metrics', { name: ctx.name('metrics'), selector: props.metrics.selector, port: props.metrics.portName });
  });
}
