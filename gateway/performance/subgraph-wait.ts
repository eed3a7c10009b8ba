import { performance } from 'node:perf_hooks';
import { Histogram } from 'prom-client';
import { registry } from '../../platform/metrics';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Wall time per request during which at least one subgraph fetch was in flight. */
export const subgraphWaitSeconds = new Histogram({
  name: 'plantgraph_gateway_subgraph_wait_seconds',
  help: 'Time per request during which the gateway waited on at least one subgraph fetch',
  buckets: BUCKETS,
  registers: [registry],
});

/** Wall time per request the gateway spent on its own work: the whole request minus the subgraph wait. */
export const gatewayOverheadSeconds = new Histogram({
  name: 'plantgraph_gateway_overhead_seconds',
  help: 'Time per request not spent waiting on subgraphs (parsing, planning, merging, plugins, serialisation)',
  buckets: BUCKETS,
  registers: [registry],
});

/**
 * Measures one request's wait on subgraphs. Parallel fetches overlap: the clock runs while any
 * fetch is in flight, so the wait never exceeds the request's own duration.
 */
export class WaitClock {
  private inFlight = 0;
  private since = 0;
  private total = 0;

  start(): void {
    if (this.inFlight++ === 0) this.since = performance.now();
  }

  end(): void {
    if (--this.inFlight === 0) this.total += performance.now() - this.since;
  }

  /** Counts `ms` of waiting done elsewhere on this request's behalf (a merged query's leader's fetches). */
  add(ms: number): void {
    this.total += ms;
  }

  /** Milliseconds waited so far, counting a fetch still in flight up to now. */
  elapsedMs(): number {
    return this.total + (this.inFlight > 0 ? performance.now() - this.since : 0);
  }
}

const clocks = new WeakMap<object, WaitClock>();

/** The wait clock of the request whose context this is, created on first use. */
export function waitClockOf(context: object): WaitClock {
  let clock = clocks.get(context);
  if (!clock) {
    clock = new WaitClock();
    clocks.set(context, clock);
  }
  return clock;
}
