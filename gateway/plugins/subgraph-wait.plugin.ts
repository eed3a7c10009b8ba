import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { gatewayOverheadSeconds, subgraphWaitSeconds, waitClockOf } from '../performance/subgraph-wait';

/** Takes no options. */
export type SubgraphWaitPluginOptions = Record<string, never>;

/** The `Server-Timing` value of a response: the gateway's own time and its wait on subgraphs, in ms. */
export function serverTiming(ownMs: number, waitMs: number): string {
  return `gateway;desc="own time";dur=${ownMs.toFixed(2)}, subgraphs;desc="waiting on subgraphs";dur=${waitMs.toFixed(2)}`;
}

/**
 * Records per request the subgraph wait and the gateway's own time: on `/metrics`, and in the
 * response's `Server-Timing` header, where a browser's developer tools show it and a load test
 * can take the median of each request's figures rather than of the histograms' buckets.
 */
export function subgraphWaitPlugin<TContext extends BaseContext>(_options: SubgraphWaitPluginOptions = {}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const clock = waitClockOf(contextValue as object);
      return {
        async willSendResponse({ response }) {
          const totalMs = performance.now() - started;
          const waitMs = Math.min(clock.elapsedMs(), totalMs);
          subgraphWaitSeconds.observe(waitMs / 1000);
          gatewayOverheadSeconds.observe((totalMs - waitMs) / 1000);
          response.http.headers.set('server-timing', serverTiming(totalMs - waitMs, waitMs));
        },
      };
    },
  };
}
