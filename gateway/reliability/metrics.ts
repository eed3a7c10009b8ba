import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../../platform/metrics';
import type { BreakerState } from './breaker';

/** Time of each subgraph request as the gateway saw it (one attempt, retries counted apart). */
export const subgraphFetchDuration = new Histogram({
  name: 'plantgraph_subgraph_fetch_duration_seconds',
  help: 'Duration of gateway requests to a subgraph, per system and outcome',
  labelNames: ['system', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Subgraph requests that failed, per system and reason (refused, reset, timeout, http_5xx, circuit_open, …). */
export const subgraphFetchErrors = new Counter({
  name: 'plantgraph_subgraph_fetch_errors_total',
  help: 'Gateway requests to a subgraph that failed, per system and reason',
  labelNames: ['system', 'reason'] as const,
  registers: [registry],
});

/** Retries sent after a failed query attempt. */
export const subgraphRetries = new Counter({
  name: 'plantgraph_subgraph_retries_total',
  help: 'Query attempts the gateway retried, per system',
  labelNames: ['system'] as const,
  registers: [registry],
});

/** Mutations sent to a subgraph whose answer never arrived: applied or not, the gateway cannot tell. */
export const mutationOutcomesUnknown = new Counter({
  name: 'plantgraph_mutation_outcome_unknown_total',
  help: 'Mutations sent to a subgraph that did not answer (timeout, connection lost), per system and reason',
  labelNames: ['system', 'reason'] as const,
  registers: [registry],
});

/** Breaker state per system: 0 closed, 1 half-open, 2 open. */
export const breakerStateGauge = new Gauge({
  name: 'plantgraph_subgraph_breaker_state',
  help: 'Circuit breaker state per system: 0 closed, 1 half-open, 2 open',
  labelNames: ['system'] as const,
  registers: [registry],
});

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Publishes a breaker state as the gauge's number. */
export function setBreakerState(system: string, state: BreakerState): void {
  breakerStateGauge.labels(system).set(STATE_VALUE[state]);
}
