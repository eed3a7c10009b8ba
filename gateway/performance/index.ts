import type { ApolloServerPlugin } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import { StartupError } from '../../platform/listen';
import type { RightsKey } from '../../platform/sharing';
import { dedupFetcher } from './dedup';
import { subgraphBatchFetcher, type BatchAliases } from './subgraph-batcher';
import { createPooledFetcher } from './pooled-fetcher';
import { operationMergePlugin } from '../plugins/operation-merge.plugin';
import { asksForProvenance } from '../plugins/provenance.plugin';
import { installResultShaping } from '../apollo-internals';
import { SharingObserver } from './sharing';
import type { SharingNote } from './sharing-notes';

export interface PerformanceConfig {
  /** `SUBGRAPH_CONNECTIONS`: keep-alive sockets per subgraph (default 64). */
  readonly connectionsPerSubgraph: number;
  /** `SUBGRAPH_DEDUP`: merge identical in-flight subgraph queries of callers with the same rights (default on; `off` to disable). */
  readonly dedup: boolean;
  /** `OPERATION_DEDUP`: identical queries in flight of callers with the same rights share one execution (default on; `off` to disable). */
  readonly operationDedup: boolean;
  /** `SUBGRAPH_BATCH`: send concurrent entity fetches, and root queries, to one subgraph as one request (default on; `off` to disable). */
  readonly batch: boolean;
  /** `SUBGRAPH_BATCH_CONCURRENCY`: requests in flight to one subgraph before batchable fetches wait and gather (default 8). */
  readonly batchConcurrency: number;
  /** `SUBGRAPH_BATCH_ALIASES`: which fetches asked with other variables go as aliased fields of one document: `roots` (default), `all` (entity fetches too), `off`. */
  readonly batchAliases: BatchAliases;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: 'on' | 'off'): boolean {
  const raw = (env[name] || fallback).toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(raw)) throw new StartupError(`${name} must be "on" or "off", got "${env[name]}"`);
  return ['on', 'true', '1'].includes(raw);
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new StartupError(`${name} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}

const BATCH_ALIASES: readonly BatchAliases[] = ['roots', 'all', 'off'];

function batchAliases(env: NodeJS.ProcessEnv): BatchAliases {
  const raw = (env.SUBGRAPH_BATCH_ALIASES || 'roots').toLowerCase();
  if (!(BATCH_ALIASES as readonly string[]).includes(raw))
    throw new StartupError(`SUBGRAPH_BATCH_ALIASES must be one of ${BATCH_ALIASES.join(', ')}, got "${env.SUBGRAPH_BATCH_ALIASES}"`);
  return raw as BatchAliases;
}

/**
 * Reads `SUBGRAPH_CONNECTIONS`, `SUBGRAPH_DEDUP`, `OPERATION_DEDUP`, `SUBGRAPH_BATCH`, `SUBGRAPH_BATCH_CONCURRENCY` and
 * `SUBGRAPH_BATCH_ALIASES`, naming the variable when one is wrong.
 */
export function loadPerformanceConfig(env: NodeJS.ProcessEnv = process.env): PerformanceConfig {
  return Object.freeze({
    connectionsPerSubgraph: wholeNumber(env, 'SUBGRAPH_CONNECTIONS', 64),
    dedup: onOff(env, 'SUBGRAPH_DEDUP', 'on'),
    operationDedup: onOff(env, 'OPERATION_DEDUP', 'on'),
    batch: onOff(env, 'SUBGRAPH_BATCH', 'on'),
    batchConcurrency: wholeNumber(env, 'SUBGRAPH_BATCH_CONCURRENCY', 8),
    batchAliases: batchAliases(env),
  });
}

/** One step of the fetch chain: wraps the fetcher below it. */
export type FetchStep = (inner: Fetcher) => Fetcher;

/**
 * The performance mechanisms of the fetch path, each as a step; gateway/pipelines.ts puts them in
 * their order. A step a setting turns off is undefined.
 */
export interface GatewayPerformance {
  /** The keep-alive pool: the wire, below every step. */
  readonly pool: Fetcher;
  /** Tells the sharing metrics which system a URL is (merging and batching see URLs only). */
  systemLabel(system: string): FetchStep;
  /** Merging of identical in-flight subgraph queries (`SUBGRAPH_DEDUP`). */
  readonly merge?: FetchStep;
  /** Batching of concurrent fetches to one subgraph (`SUBGRAPH_BATCH`). */
  readonly batch?: FetchStep;
  /** Merging of identical queries in flight at the front door (`OPERATION_DEDUP`), an Apollo Server plugin. */
  readonly operationMerge?: ApolloServerPlugin<any>;
  /** What was shared of one operation's work, by request id, for its log line; forgotten once read. */
  sharingOf(requestId: string | undefined): SharingNote | undefined;
  /** Closes the pooled sockets; call after the server stopped taking requests. */
  stop(): Promise<void>;
}

/**
 * Builds the fetch path's mechanisms (gateway/pipelines.ts orders them), and makes the gateways of
 * this process shape answers with the planned shaper (gateway/apollo-internals/result-shaping.ts).
 */
export function createGatewayPerformance(config: PerformanceConfig, options: { rightsOf?: RightsKey } = {}): GatewayPerformance {
  installResultShaping('planned');
  const pool = createPooledFetcher({ connectionsPerOrigin: config.connectionsPerSubgraph });
  const sharing = new SharingObserver();
  // A request asking for provenance reads its own fetches, so it always executes itself.
  const merge = config.operationDedup
    ? operationMergePlugin({
        excluded: (request) => asksForProvenance(request),
        onMerged: sharing.operationMerged,
        rightsOf: options.rightsOf,
      })
    : undefined;
  return {
    pool: pool.fetcher,
    systemLabel: (system) => (inner) => (url, init) => {
      sharing.system(url, system);
      return inner(url, init);
    },
    merge: config.dedup ? (inner) => dedupFetcher(inner, { onMerged: sharing.fetchMerged }).fetcher : undefined,
    batch: config.batch
      ? (inner) =>
          subgraphBatchFetcher(inner, { concurrency: config.batchConcurrency, aliases: config.batchAliases, onBatch: sharing.batch })
            .fetcher
      : undefined,
    operationMerge: merge?.plugin,
    sharingOf: (requestId) => sharing.notes.take(requestId),
    async stop() {
      await pool.close();
    },
  };
}
