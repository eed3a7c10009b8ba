import { Counter, Histogram, type Registry } from 'prom-client';

const instances = new WeakMap<Registry, UsageMetrics>();

export interface UsageMetrics {
  readonly requests: Counter<'operation' | 'client' | 'outcome'>;
  readonly duration: Histogram<'operation' | 'client' | 'outcome'>;
  readonly flushes: Counter;
  readonly flushFailures: Counter;
  readonly dropped: Counter;
}

/** The usage and per-operation metrics of a registry, created once per registry. */
export function usageMetricsFor(registry: Registry, buckets: number[]): UsageMetrics {
  let metrics = instances.get(registry);
  if (!metrics) {
    metrics = {
      requests: new Counter({
        name: 'plantgraph_operation_requests_total',
        help: 'GraphQL operations per operation name and client (names beyond the label limit are "other"), and outcome',
        labelNames: ['operation', 'client', 'outcome'] as const,
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'plantgraph_operation_duration_seconds',
        help: 'Time from receiving a GraphQL request to sending its response, per operation name, client and outcome',
        labelNames: ['operation', 'client', 'outcome'] as const,
        buckets,
        registers: [registry],
      }),
      flushes: new Counter({
        name: 'plantgraph_usage_flushes_total',
        help: 'Usage batches (with at least one record) written to the gateway database',
        registers: [registry],
      }),
      flushFailures: new Counter({
        name: 'plantgraph_usage_flush_failures_total',
        help: 'Usage batches the gateway database refused or did not answer',
        registers: [registry],
      }),
      dropped: new Counter({
        name: 'plantgraph_usage_records_dropped_total',
        help: 'Usage records lost: in a failed batch, or beyond the in-memory limit between two flushes',
        registers: [registry],
      }),
    };
    instances.set(registry, metrics);
  }
  return metrics;
}
