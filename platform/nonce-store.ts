import Redis from 'ioredis';

/**
 * Where the nonces of accepted caller headers are remembered until their header expires, so that
 * a header captured on the wire is refused the second time it arrives. Replicas of one system share
 * a store (Redis) or a replica could accept a header another one already took.
 */
export interface NonceStore {
  /**
   * Records `nonce` until `expiresAtMs`: true the first time, false when it is already recorded.
   * Rejects when the store cannot be reached; the caller must then refuse the request.
   */
  claim(nonce: string, expiresAtMs: number): Promise<boolean>;
  /** Whether the nonces live outside this process (Redis). */
  readonly shared: boolean;
  close(): Promise<void>;
}

/** A store in process memory, for one process alone; also answers synchronously (`claimNow`). */
export interface MemoryNonceStore extends NonceStore {
  claimNow(nonce: string, expiresAtMs: number): boolean;
}

/** Nonces in a map, swept of expired ones at most every ten seconds. */
export function memoryNonceStore(now: () => number = Date.now): MemoryNonceStore {
  const seen = new Map<string, number>();
  let nextSweep = 0;
  const claimNow = (nonce: string, expiresAtMs: number): boolean => {
    const at = now();
    if (at >= nextSweep) {
      for (const [key, expires] of seen) if (expires < at) seen.delete(key);
      nextSweep = at + 10_000;
    }
    const known = seen.get(nonce);
    if (known !== undefined && known >= at) return false;
    seen.set(nonce, expiresAtMs);
    return true;
  };
  return {
    shared: false,
    claimNow,
    claim: async (nonce, expiresAtMs) => claimNow(nonce, expiresAtMs),
    close: async () => seen.clear(),
  };
}

const KEY_PREFIX = 'plantgraph:caller-nonce:';

/**
 * Nonces in Redis, one key each set with `SET NX PX`: atomic across replicas, and Redis forgets a
 * nonce when its header has expired. The connection is the caller's to close.
 */
export function redisNonceStore(redis: Redis, now: () => number = Date.now): NonceStore {
  return {
    shared: true,
    async claim(nonce, expiresAtMs) {
      const ttl = Math.max(1, Math.ceil(expiresAtMs - now()));
      return (await redis.set(`${KEY_PREFIX}${nonce}`, '1', 'PX', ttl, 'NX')) === 'OK';
    },
    close: async () => undefined,
  };
}

export interface NonceStoreOptions {
  /** Redis shared by the replicas of a system; process memory without it. */
  redisUrl?: string;
  /** Told when Redis fails; requests are refused meanwhile. */
  onError?: (err: Error) => void;
}

/** The store for a subgraph process: Redis when `redisUrl` is given (its connection closed by `close`), memory otherwise. */
export function createNonceStore(options: NonceStoreOptions = {}): NonceStore {
  if (!options.redisUrl) return memoryNonceStore();
  // A nonce check waits for Redis at most one second: a request is refused rather than held.
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  redis.on('error', (err) => options.onError?.(err));
  const store = redisNonceStore(redis);
  return {
    ...store,
    async close() {
      redis.disconnect();
    },
  };
}
