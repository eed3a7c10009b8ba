import type { ApolloServerPlugin } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import { StartupError } from '../../platform/listen';
import { dedupFetcher, type DedupStats } from './dedup';
import { createPooledFetcher } from './pooled-fetcher';
import { subgraphWaitPlugin } from './subgraph-wait';

export interface PerformanceConfig {
  /** `SUBGRAPH_CONNECTIONS`: keep-alive sockets per subgraph (default 64). */
  readonly connectionsPerSubgraph: number;
  /** `SUBGRAPH_DEDUP`: merge identical in-flight subgraph queries of one caller (default on; `off` to disable). */
  readonly dedup: boolean;
}

/** Reads `SUBGRAPH_CONNECTIONS` and `SUBGRAPH_DEDUP`, naming the variable when one is wrong. */
export function loadPerformanceConfig(env: NodeJS.ProcessEnv = process.env): PerformanceConfig {
  const rawConnections = env.SUBGRAPH_CONNECTIONS;
  const connectionsPerSubgraph = rawConnections ? Number(rawConnections) : 64;
  if (!Number.isInteger(connectionsPerSubgraph) || connectionsPerSubgraph < 1) {
    throw new StartupError(`SUBGRAPH_CONNECTIONS must be a whole number ≥ 1, got "${rawConnections}"`);
  }
  const rawDedup = (env.SUBGRAPH_DEDUP ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(rawDedup)) {
    throw new StartupError(`SUBGRAPH_DEDUP must be "on" or "off", got "${env.SUBGRAPH_DEDUP}"`);
  }
  return Object.freeze({ connectionsPerSubgraph, dedup: ['on', 'true', '1'].includes(rawDedup) });
}

export interface GatewayPerformance {
  /** The HTTP client of every subgraph data source. */
  readonly fetcher: Fetcher;
  readonly plugins: ApolloServerPlugin<any>[];
  /** What deduplication merged, when it is on. */
  readonly dedupStats?: DedupStats;
  /** Closes the pooled sockets; call after the server stopped taking requests. */
  stop(): Promise<void>;
}

/** The gateway's fetch path: a keep-alive pool, optional merging of identical queries, wait metrics. */
export function createGatewayPerformance(config: PerformanceConfig): GatewayPerformance {
  const pool = createPooledFetcher({ connectionsPerOrigin: config.connectionsPerSubgraph });
  const dedup = config.dedup ? dedupFetcher(pool.fetcher) : undefined;
  return {
    fetcher: dedup?.fetcher ?? pool.fetcher,
    plugins: [subgraphWaitPlugin()],
    dedupStats: dedup?.stats,
    stop: () => pool.close(),
  };
}
