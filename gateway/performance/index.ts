import type { ApolloServerPlugin } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import Redis from 'ioredis';
import { StartupError } from '../../platform/listen';
import type { Logger } from '../../platform/logger';
import { SYSTEMS, type SystemName } from '../../platform/systems';
import { entityCacheFetcher, memoryEntityCacheStore, redisEntityCacheStore, type EntityCacheStats, type EntityCacheStore } from './entity-cache';
import { dedupFetcher, type DedupStats } from './dedup';
import { subgraphBatchFetcher, type SubgraphBatchStats } from './subgraph-batcher';
import { createPooledFetcher } from './pooled-fetcher';
import { subgraphWaitPlugin } from './subgraph-wait';
import { operationMergePlugin, type OperationMergeStats } from '../plugins/operation-merge.plugin';
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
  /** `ENTITY_CACHE`: reuse entity answers of systems whose registry entry allows it (default off). */
  readonly entityCache: boolean;
  /** `REDIS_URL`: where the entity cache lives, shared by replicas; process memory without it. */
  readonly redisUrl?: string;
  /** `RESULT_SHAPING`: how answers are cut to the client's selection, `planned` (default) or `apollo` (`@apollo/gateway`'s own). */
  readonly resultShaping: 'planned' | 'apollo';
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

function shaping(env: NodeJS.ProcessEnv): 'planned' | 'apollo' {
  const raw = (env.RESULT_SHAPING || 'planned').toLowerCase();
  if (raw !== 'planned' && raw !== 'apollo') throw new StartupError(`RESULT_SHAPING must be "planned" or "apollo", got "${env.RESULT_SHAPING}"`);
  return raw;
}

/** Reads `SUBGRAPH_CONNECTIONS`, `SUBGRAPH_DEDUP`, `OPERATION_DEDUP`, `SUBGRAPH_BATCH`, `SUBGRAPH_BATCH_CONCURRENCY`, `ENTITY_CACHE`, `REDIS_URL` and `RESULT_SHAPING`, naming the variable when one is wrong. */
export function loadPerformanceConfig(env: NodeJS.ProcessEnv = process.env): PerformanceConfig {
  return Object.freeze({
    connectionsPerSubgraph: wholeNumber(env, 'SUBGRAPH_CONNECTIONS', 64),
    dedup: onOff(env, 'SUBGRAPH_DEDUP', 'on'),
    operationDedup: onOff(env, 'OPERATION_DEDUP', 'on'),
    batch: onOff(env, 'SUBGRAPH_BATCH', 'on'),
    batchConcurrency: wholeNumber(env, 'SUBGRAPH_BATCH_CONCURRENCY', 8),
    entityCache: onOff(env, 'ENTITY_CACHE', 'off'),
    redisUrl: env.REDIS_URL || undefined,
    resultShaping: shaping(env),
  });
}

export interface GatewayPerformance {
  /** The HTTP client of one system's data source (with its entity cache, when on and allowed). */
  fetcherFor(system: string): Fetcher;
  /** Entity cache hits and misses per system that has one. */
  readonly entityCacheStats: ReadonlyMap<string, EntityCacheStats>;
  readonly plugins: ApolloServerPlugin<any>[];
  /** Merging of identical queries in flight, when on: register it before every other plugin. */
  readonly operationMerge?: ApolloServerPlugin<any>;
  /** What operation merging did, when it is on. */
  readonly operationMergeStats?: OperationMergeStats;
  /** What deduplication merged, when it is on. */
  readonly dedupStats?: DedupStats;
  /** What batching combined, when it is on. */
  readonly batchStats?: SubgraphBatchStats;
  /** What was shared of one operation's work, by request id, for its log line; forgotten once read. */
  sharingOf(requestId: string | undefined): SharingNote | undefined;
  /** Closes the pooled sockets; call after the server stopped taking requests. */
  stop(): Promise<void>;
}

/**
 * The gateway's fetch path, outermost first: the entity cache (where allowed), merging of
 * identical in-flight queries, batching of concurrent fetches to one subgraph, the keep-alive pool; and
 * the wait metrics. Merging comes before batching, so a batch never carries the same fetch twice.
 * `lastStep` wraps the pool, below every step that changes bodies: the caller header is sealed
 * there, over the body actually sent (gateway/security/caller-seal.ts).
 * Also chooses how the gateways of this process shape answers (`RESULT_SHAPING`).
 */
export function createGatewayPerformance(config: PerformanceConfig, logger?: Logger, lastStep?: (inner: Fetcher) => Fetcher): GatewayPerformance {
  installResultShaping(config.resultShaping);
  const pool = createPooledFetcher({ connectionsPerOrigin: config.connectionsPerSubgraph });
  const wire = lastStep ? lastStep(pool.fetcher) : pool.fetcher;
  const sharing = new SharingObserver();
  const batch = config.batch ? subgraphBatchFetcher(wire, { concurrency: config.batchConcurrency, onBatch: sharing.batch }) : undefined;
  const batched = batch?.fetcher ?? wire;
  const dedup = config.dedup ? dedupFetcher(batched, { onMerged: sharing.fetchMerged }) : undefined;
  const shared = dedup?.fetcher ?? batched;
  const redis = config.entityCache && config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  redis?.on('error', (err) => logger?.warn({ err: err.message }, 'entity cache: Redis error'));
  const store: EntityCacheStore | undefined = config.entityCache ? (redis ? redisEntityCacheStore(redis) : memoryEntityCacheStore()) : undefined;
  const entityCacheStats = new Map<string, EntityCacheStats>();
  // A request asking for provenance reads its own fetches, so it always executes itself.
  const merge = config.operationDedup ? operationMergePlugin({ excluded: (request) => asksForProvenance(request), onMerged: sharing.operationMerged }) : undefined;
  // Merging and batching see URLs; the observer labels their metrics by system.
  const labelled = (system: string, fetcher: Fetcher): Fetcher => (url, init) => {
    sharing.system(url, system);
    return fetcher(url, init);
  };
  return {
    fetcherFor(system) {
      const ttlSeconds = SYSTEMS[system as SystemName]?.entityCacheTtlSeconds ?? 0;
      if (!store || ttlSeconds <= 0) return labelled(system, shared);
      const cache = entityCacheFetcher(shared, { system, ttlSeconds, store, onStoreError: (err) => logger?.warn({ err: err.message, system }, 'entity cache unavailable; asking the subgraph') });
      entityCacheStats.set(system, cache.stats);
      return labelled(system, cache.fetcher);
    },
    entityCacheStats,
    plugins: [subgraphWaitPlugin()],
    operationMerge: merge?.plugin,
    operationMergeStats: merge?.stats,
    dedupStats: dedup?.stats,
    batchStats: batch?.stats,
    sharingOf: (requestId) => sharing.notes.take(requestId),
    async stop() {
      await pool.close();
      redis?.disconnect();
    },
  };
}
