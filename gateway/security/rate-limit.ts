import { randomBytes } from 'node:crypto';
import { HeaderMap } from '@apollo/server';
import type Redis from 'ioredis';
import { setBounded } from '../../platform/bounded-map';
import { gatewayError } from './errors';

/** What a store says about one key's sliding window. */
export interface WindowState {
  /** Whether the request fits: fewer than `limit` requests of the key in the last `windowMs`. */
  readonly allowed: boolean;
  /** Requests of the key in the window, this one included when it was counted. */
  readonly count: number;
  /** When `allowed` is false: milliseconds until the oldest request in the window leaves it. */
  readonly retryAfterMs: number;
}

/** Where request times live: memory for one replica, Redis for all replicas together. */
export interface RateLimitStore {
  /**
   * Looks at the requests of `key` in the last `windowMs` (a sliding window) and, when `record`
   * is true and there are fewer than `limit`, counts this one; a refused request is not counted.
   */
  take(key: string, limit: number, windowMs: number, record: boolean): Promise<WindowState>;
  close(): Promise<void>;
}

/** The accepted request times of one key, oldest first; `head` skips the ones that left the window. */
interface TimeQueue {
  times: number[];
  head: number;
}

/** Request times kept in this process; right for one gateway replica. */
export function memoryRateLimitStore(maxKeys = 50_000): RateLimitStore {
  const queues = new Map<string, TimeQueue>();
  return {
    async take(key, limit, windowMs, record) {
      const now = Date.now();
      let queue = queues.get(key);
      if (!queue) {
        // Keys whose window emptied go when the map is full, so it holds about one entry per active caller.
        if (queues.size >= maxKeys) {
          for (const [k, q] of queues) if (q.times[q.times.length - 1]! <= now - windowMs) queues.delete(k);
          if (queues.size >= maxKeys) queues.delete(queues.keys().next().value!);
        }
        queue = { times: [], head: 0 };
      }
      // Times arrive in order, so the ones that left the window are at the front: each is passed once.
      while (queue.head < queue.times.length && queue.times[queue.head]! <= now - windowMs) queue.head++;
      if (queue.head > 1024 && queue.head * 2 > queue.times.length) {
        queue.times = queue.times.slice(queue.head);
        queue.head = 0;
      }
      const inWindow = queue.times.length - queue.head;
      const allowed = inWindow < limit;
      if (allowed && record) queue.times.push(now);
      const count = queue.times.length - queue.head;
      if (count) queues.set(key, queue);
      else queues.delete(key);
      return { allowed, count, retryAfterMs: allowed ? 0 : queue.times[queue.head]! + windowMs - now };
    },
    async close() {
      queues.clear();
    },
  };
}

/**
 * One sorted set per key, scored by request time (Redis's own clock, the same for every replica):
 * drop what left the window, count, add when under the limit. One script, so two replicas counting
 * the same caller at once cannot both take the last place.
 */
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[1]) then
  if ARGV[3] == '1' then
    redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[4])
    redis.call('PEXPIRE', KEYS[1], window)
    count = count + 1
  end
  return {1, count, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, count, tonumber(oldest[2]) + window - now}
`;

/** Request times in Redis, shared by every gateway replica. */
export function redisRateLimitStore(redis: Redis, prefix = 'plantgraph:ratelimit:'): RateLimitStore {
  redis.defineCommand('plantgraphSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
  const run = (
    redis as unknown as { plantgraphSlidingWindow(...args: (string | number)[]): Promise<[number, number, number]> }
  ).plantgraphSlidingWindow.bind(redis);
  return {
    async take(key, limit, windowMs, record) {
      const [allowed, count, retryAfterMs] = await run(
        `${prefix}${key}`,
        limit,
        windowMs,
        record ? '1' : '0',
        randomBytes(6).toString('hex'),
      );
      return { allowed: allowed === 1, count: Number(count), retryAfterMs: Math.max(0, Number(retryAfterMs)) };
    },
    async close() {
      redis.disconnect();
    },
  };
}

export interface RateLimitOptions {
  store: RateLimitStore;
  /**
   * Requests each caller may send in any window.
   * @default 600
   */
  limit?: number;
  /**
   * Window length in milliseconds; the window slides with every request.
   * @default 60_000
   */
  windowMs?: number;
  /**
   * Failed authentications one client address may cause in any window; beyond it the address is
   * refused before its credentials are looked at.
   * @default 30
   */
  failureLimit?: number;
  /**
   * Called when the store fails (Redis down); the request is then let through, because an outage
   * of the counter must not become an outage of the graph.
   */
  onStoreError?: (err: Error) => void;
}

/** Checks requests against their budgets. */
export interface RateLimiter {
  /** Counts one request of `key` (a caller or a client address); throws a 429 GraphQLError (with `retry-after`) when over the limit. */
  check(key: string, describe: string): Promise<void>;
  /** Throws a 429 when the address has failed authentication too often; counts nothing. */
  checkFailures(address: string): Promise<void>;
  /** Counts one failed authentication of the address. */
  recordFailure(address: string): Promise<void>;
}

function rateLimited(message: string, retryAfterMs: number) {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const error = gatewayError('RATE_LIMITED', 429, `${message}; retry in ${retryAfter} s`, { retryAfterSeconds: retryAfter });
  (error.extensions.http as { headers?: HeaderMap }).headers = new HeaderMap([['retry-after', String(retryAfter)]]);
  return error;
}

/**
 * Limits requests per caller (user, partner key or service) or per client address in a sliding
 * window, and failed authentications per client address; over the limit: HTTP 429. It runs while
 * the context is built, around authentication, before parsing.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { store, limit = 600, windowMs = 60_000, failureLimit = 30 } = options;
  const seconds = windowMs / 1000;
  // Addresses that failed on this replica within the window: only their requests pay for a look
  // at the shared failure count, so a caller that never fails costs no extra store round trip.
  const suspects = new Map<string, number>();
  const take = async (key: string, max: number, record: boolean): Promise<WindowState | undefined> => {
    try {
      return await store.take(key, max, windowMs, record);
    } catch (err) {
      options.onStoreError?.(err as Error);
      return undefined;
    }
  };
  return {
    async check(key, describe) {
      const state = await take(key, limit, true);
      if (state && !state.allowed)
        throw rateLimited(`rate limit exceeded: ${limit} requests per ${seconds} s for ${describe}`, state.retryAfterMs);
    },
    async checkFailures(address) {
      const lastFailure = suspects.get(address);
      if (lastFailure === undefined) return;
      if (lastFailure <= Date.now() - windowMs) {
        suspects.delete(address);
        return;
      }
      const state = await take(`auth-failed:${address}`, failureLimit, false);
      if (state && !state.allowed) {
        throw rateLimited(`too many failed authentications: ${failureLimit} per ${seconds} s from ${address}`, state.retryAfterMs);
      }
    },
    async recordFailure(address) {
      suspects.delete(address);
      setBounded(suspects, address, Date.now(), 100_000);
      await take(`auth-failed:${address}`, Number.MAX_SAFE_INTEGER, true);
    },
  };
}
