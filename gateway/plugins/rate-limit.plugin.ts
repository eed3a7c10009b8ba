import { HeaderMap } from '@apollo/server';
import type Redis from 'ioredis';
import type { Caller } from '../../platform/caller';
import { gatewayError } from '../security/errors';

/** Where counts live: memory for one replica, Redis for all replicas together. */
export interface RateLimitStore {
  /** Counts one request of `key` in the window starting at `windowStart`; returns the count so far. */
  hit(key: string, windowStart: number, windowMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Counts in this process; right for one gateway replica. */
export function memoryRateLimitStore(): RateLimitStore {
  const counts = new Map<string, { windowStart: number; count: number }>();
  return {
    async hit(key, windowStart) {
      const current = counts.get(key);
      if (!current || current.windowStart !== windowStart) {
        // Old windows go as soon as a new one starts, so the map holds one entry per active caller.
        if (counts.size > 10_000) for (const [k, v] of counts) if (v.windowStart !== windowStart) counts.delete(k);
        counts.set(key, { windowStart, count: 1 });
        return 1;
      }
      current.count += 1;
      return current.count;
    },
    async close() {},
  };
}

/** Counts in Redis, shared by every gateway replica. */
export function redisRateLimitStore(redis: Redis, prefix = 'plantgraph:ratelimit:'): RateLimitStore {
  return {
    async hit(key, windowStart, windowMs) {
      const name = `${prefix}${key}:${windowStart}`;
      const results = await redis.multi().incr(name).pexpire(name, windowMs * 2).exec();
      const [error, count] = results?.[0] ?? [new Error('no reply from Redis')];
      if (error) throw error;
      return Number(count);
    },
    async close() {
      redis.disconnect();
    },
  };
}

export interface RateLimitOptions {
  store: RateLimitStore;
  /**
   * Requests each caller may send per window.
   * @default 600
   */
  limit?: number;
  /**
   * Window length in milliseconds.
   * @default 60_000
   */
  windowMs?: number;
  /**
   * Called when the store fails (Redis down); the request is then let through, because an outage
   * of the counter must not become an outage of the graph.
   */
  onStoreError?: (err: Error) => void;
}

/** Checks one request of a caller against its budget. */
export interface RateLimiter {
  /** Counts the request; throws a 429 GraphQLError (with `retry-after`) when the caller is over the limit. */
  check(caller: Caller): Promise<void>;
}

/**
 * Limits the requests of each caller (user, partner key or service) per fixed window; over the
 * limit: HTTP 429. It runs while the context is built, right after authentication, before parsing.
 */
export function rateLimitPlugin(options: RateLimitOptions): RateLimiter {
  const { store, limit = 600, windowMs = 60_000 } = options;
  return {
    async check(caller) {
      const now = Date.now();
      const windowStart = now - (now % windowMs);
      let count: number;
      try {
        count = await store.hit(caller.subject, windowStart, windowMs);
      } catch (err) {
        options.onStoreError?.(err as Error);
        return;
      }
      if (count > limit) {
        const retryAfter = Math.ceil((windowStart + windowMs - now) / 1000);
        const error = gatewayError('RATE_LIMITED', 429, `rate limit exceeded: ${limit} requests per ${windowMs / 1000} s for ${caller.subject}; retry in ${retryAfter} s`, { retryAfterSeconds: retryAfter });
        (error.extensions.http as { headers?: HeaderMap }).headers = new HeaderMap([['retry-after', String(retryAfter)]]);
        throw error;
      }
    },
  };
}
