import { createHash } from 'node:crypto';
import type { Fetcher } from '@apollo/utils.fetcher';
import type Redis from 'ioredis';
import { isEntitiesBody } from '../apollo-internals';
import { queryRequestKey } from './dedup';
import { BufferedResponse } from './pooled-fetcher';
import { setBounded } from '../../platform/bounded-map';
import { entityCacheLookups } from './sharing-metrics';

/** Where cached entity answers live: process memory, or Redis shared by every gateway replica. */
export interface EntityCacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/** A bounded in-memory store; the oldest entries go first when it is full. */
export function memoryEntityCacheStore(options: { maxEntries?: number; now?: () => number } = {}): EntityCacheStore & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string; expires: number }>();
  return {
    get size() {
      return entries.size;
    },
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    async set(key, value, ttlMs) {
      entries.delete(key);
      setBounded(entries, key, { value, expires: now() + ttlMs }, maxEntries);
    },
  };
}

/** A store in Redis; Redis expires the entries itself. */
export function redisEntityCacheStore(redis: Redis): EntityCacheStore {
  return {
    async get(key) {
      return (await redis.get(key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      await redis.set(key, value, 'PX', ttlMs);
    },
  };
}

export interface EntityCacheOptions {
  /** The system whose subgraph the fetcher calls (part of every key). */
  system: string;
  /** How long an answer may be reused; 0 turns the cache off for this system. */
  ttlSeconds: number;
  store: EntityCacheStore;
  /** Reports a store failure; the request then goes to the subgraph as if there were no cache. */
  onStoreError?: (err: Error) => void;
}

/** Counts of what an entity cache did. */
export interface EntityCacheStats {
  hits: number;
  misses: number;
}

// Entity fetches only (isEntitiesBody). Root fields (lists, searches) are not cached: their
// membership changes with every new row.

/**
 * Reuses a system's answers to identical entity fetches for the system's TTL, between callers with
 * the same rights. The rights are part of the key, so an answer filtered for one partner or role
 * is never served to a caller with other rights; answers with errors are never kept; mutations
 * are never cached.
 */
export function entityCacheFetcher(inner: Fetcher, options: EntityCacheOptions): { fetcher: Fetcher; stats: EntityCacheStats } {
  const stats: EntityCacheStats = { hits: 0, misses: 0 };
  if (options.ttlSeconds <= 0) return { fetcher: inner, stats };
  const ttlMs = options.ttlSeconds * 1000;
  const { store, system } = options;
  const report = (err: unknown) => options.onStoreError?.(err as Error);
  const hit = entityCacheLookups.labels(system, 'hit');
  const miss = entityCacheLookups.labels(system, 'miss');

  const fetcher: Fetcher = async (url, init = {}) => {
    const request = typeof init.body === 'string' && isEntitiesBody(init.body) ? queryRequestKey(url, init) : undefined;
    if (request === undefined) return inner(url, init);
    const key = `plantgraph:entity-cache:v1:${system}:${createHash('sha256').update(request).digest('base64url')}`;
    const cached = await store.get(key).catch(report);
    if (cached !== undefined) {
      stats.hits += 1;
      hit.inc();
      return new BufferedResponse(url, 200, 'OK', { 'content-type': 'application/json' }, Buffer.from(cached, 'utf8'));
    }
    stats.misses += 1;
    miss.inc();
    const response = await inner(url, init);
    if (response.status !== 200) return response;
    const text = await response.text();
    if (!text.includes('"errors":')) await store.set(key, text, ttlMs).catch(report);
    return new BufferedResponse(url, response.status, response.statusText, Object.fromEntries(response.headers), Buffer.from(text, 'utf8'));
  };
  return { fetcher, stats };
}
