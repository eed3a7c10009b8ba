import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type Redis from 'ioredis';
import { Counter } from 'prom-client';
import { registry } from '../../../platform/metrics';
import type { Logger } from '../../../platform/logger';
import { setBounded } from '../../../platform/bounded-map';

const lookups = new Counter({
  name: 'plantgraph_gateway_apq_lookups_total',
  help: 'Automatic persisted query lookups by hash, per store (trusted, redis, memory) and result (hit, miss, error)',
  labelNames: ['store', 'result'] as const,
  registers: [registry],
});

export interface ApqStoreOptions {
  /**
   * How long a registered query is kept after its last registration, in seconds.
   * @default 86_400
   */
  ttlSeconds?: number;
  /**
   * Queries kept in memory when there is no Redis.
   * @default 1_000
   */
  capacity?: number;
}

/**
 * Where users' automatic persisted queries are kept: in Redis (`REDIS_URL`), so that every
 * replica knows a query registered on one of them, or in a bounded map of this process. A Redis
 * that does not answer is a miss (the client sends the text again), never a failed request.
 */
export function createApqStore(redis: Redis | undefined, logger: Logger, options: ApqStoreOptions = {}): KeyValueCache<string> {
  const ttlSeconds = options.ttlSeconds ?? 86_400;
  if (!redis) {
    const registered = new Map<string, string>();
    const capacity = options.capacity ?? 1_000;
    return {
      async get(key) {
        const value = registered.get(key);
        lookups.inc({ store: 'memory', result: value === undefined ? 'miss' : 'hit' });
        return value;
      },
      async set(key, value) {
        setBounded(registered, key, value, capacity);
      },
      async delete(key) {
        registered.delete(key);
      },
    };
  }
  let lastWarning = 0;
  const warn = (err: Error) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    logger.warn({ err: err.message }, 'persisted queries: Redis unavailable; clients send their queries in full until it is back');
  };
  const redisKey = (key: string) => `plantgraph:${key}`;
  return {
    async get(key) {
      try {
        const value = (await redis.get(redisKey(key))) ?? undefined;
        lookups.inc({ store: 'redis', result: value === undefined ? 'miss' : 'hit' });
        return value;
      } catch (err) {
        lookups.inc({ store: 'redis', result: 'error' });
        warn(err as Error);
        return undefined;
      }
    },
    async set(key, value, setOptions?: KeyValueCacheSetOptions) {
      const ttl = setOptions?.ttl ?? ttlSeconds;
      try {
        await redis.set(redisKey(key), value, 'EX', Math.max(1, Math.ceil(ttl)));
      } catch (err) {
        warn(err as Error);
      }
    },
    async delete(key) {
      try {
        await redis.del(redisKey(key));
      } catch (err) {
        warn(err as Error);
      }
    },
  };
}
