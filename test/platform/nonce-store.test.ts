import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createNonceStore, memoryNonceStore, redisNonceStore } from '../../platform/nonce-store';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

describe('nonce store', () => {
  it('in memory: a nonce is taken once, and free again after it expired', async () => {
    let now = 1_000_000;
    const store = memoryNonceStore(() => now);
    expect(await store.claim('n1', now + 10_000)).toBe(true);
    expect(await store.claim('n1', now + 10_000)).toBe(false);
    now += 20_000;
    expect(await store.claim('n1', now + 10_000)).toBe(true);
  });

  it('in Redis: two replicas, each with its own connection, accept a nonce once between them', async () => {
    if (!(await redisAnswers())) {
      if (process.env.REDIS_URL) throw new Error(`REDIS_URL is set but ${REDIS_URL} does not answer`);
      console.warn(`no Redis at ${REDIS_URL}: the shared nonce store is not tested`);
      return;
    }
    const replicas = [createNonceStore({ redisUrl: REDIS_URL }), createNonceStore({ redisUrl: REDIS_URL })];
    try {
      expect(replicas.every((r) => r.shared)).toBe(true);
      const nonce = randomUUID();
      const expires = Date.now() + 5_000;
      // Both at once: SET NX lets exactly one of them in.
      const answers = await Promise.all([replicas[0]!.claim(nonce, expires), replicas[1]!.claim(nonce, expires)]);
      expect(answers.sort()).toEqual([false, true]);
      expect(await replicas[0]!.claim(nonce, expires)).toBe(false);
      expect(await replicas[1]!.claim(randomUUID(), expires)).toBe(true);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  it('in Redis: an unreachable server rejects the claim instead of letting it pass', async () => {
    // No reconnection attempts and no grace for a socket that never opened, so that nothing outlives the test.
    const redis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      disconnectTimeout: 10,
    });
    redis.on('error', () => undefined);
    try {
      await expect(redisNonceStore(redis).claim(randomUUID(), Date.now() + 5_000)).rejects.toThrow();
    } finally {
      redis.disconnect();
    }
  });
});
