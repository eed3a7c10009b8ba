import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Histogram, type Registry } from 'prom-client';
import { registry as processRegistry } from '../../platform/metrics';

export interface MetricsPluginOptions {
  /**
   * Where the metrics are registered.
   * @default the process registry served on `/metrics`
   */
  registry?: Registry;
  /**
   * Buckets of the operation latency histogram, in seconds.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  buckets?: number[];
}

const instances = new WeakMap<
  Registry,
  { requests: Counter<'operation_type' | 'outcome'>; duration: Histogram<'operation_type' | 'outcome'> }
>();

function metricsFor(registry: Registry, buckets: number[]) {
  let metrics = instances.get(registry);
  if (!metrics) {
    metrics = {
      requests: new Counter({
        name: 'plantgraph_gateway_requests_total',
        help: 'GraphQL requests the gateway answered, per operation type and outcome',
        labelNames: ['operation_type', 'outcome'] as const,
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'plantgraph_gateway_operation_duration_seconds',
        help: 'Time from receiving a GraphQL request to sending its response, per operation type and outcome',
        labelNames: ['operation_type', 'outcome'] as const,
        buckets,
        registers: [registry],
      }),
    };
    instances.set(registry, metrics);
  }
  return metrics;
}

/**
 * Counts requests and times operations. Outcome is `ok`, `partial` (data with errors, e.g. a
 * system unavailable), `error` (no data) or `rejected` (did not parse or validate).
 */
export function metricsPlugin<TContext extends BaseContext>(options: MetricsPluginOptions = {}): ApolloServerPlugin<TContext> {
  const { requests, duration } = metricsFor(
    options.registry ?? processRegistry,
    options.buckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let rejected = false;
      return {
        async didEncounterErrors(ctx) {
          if (!ctx.operation) rejected = true;
        },
        async willSendResponse(ctx) {
          const type = ctx.operation?.operation ?? 'unknown';
          const body = ctx.response.body.kind === 'single' ? ctx.response.body.singleResult : undefined;
          const hasErrors = Boolean(body?.errors?.length);
          const hasData = body?.data !== undefined && body?.data !== null;
          const outcome = rejected ? 'rejected' : !hasErrors ? 'ok' : hasData ? 'partial' : 'error';
          requests.labels(type, outcome).inc();
          duration.labels(type, outcome).observe(Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
