import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { memoryRateLimitStore, createRateLimiter, redisRateLimitStore, type RateLimitStore } from '../../../gateway/security/rate-limit';
import { TEST_REDIS_URL, testRedis } from '../../support/redis';

const REDIS_URL = TEST_REDIS_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sliding-window rate limits', () => {
  afterEach(() => jest.restoreAllMocks());

  it('does not let twice the limit through across a minute boundary (memory)', async () => {
    const store = memoryRateLimitStore();
    let now = 59_900; // 100 ms before a fixed window would have started again
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    for (let i = 0; i < 3; i++) expect((await store.take('alice', 3, 60_000, true)).allowed).toBe(true);
    now = 60_100;
    const refused = await store.take('alice', 3, 60_000, true);
    expect(refused).toEqual({ allowed: false, count: 3, retryAfterMs: 59_800 });
    now = 59_900 + 59_999;
    expect((await store.take('alice', 3, 60_000, true)).allowed).toBe(false); // the window still holds t=59 900
    now = 60_100 + 59_800; // what retry-after said
    expect((await store.take('alice', 3, 60_000, true)).allowed).toBe(true);
  });

  it('counts no refused request, so a caller over the limit is back once its old requests age out', async () => {
    const store = memoryRateLimitStore();
    let now = 1_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    await store.take('bob', 1, 1_000, true);
    for (let i = 0; i < 10; i++) {
      now += 50;
      expect((await store.take('bob', 1, 1_000, true)).allowed).toBe(false);
    }
    now = 2_001;
    expect((await store.take('bob', 1, 1_000, true)).allowed).toBe(true);
  });

  it('answers 429 with retry-after in whole seconds from the limiter', async () => {
    const limiter = createRateLimiter({ store: memoryRateLimitStore(), limit: 1, windowMs: 60_000 });
    await limiter.check('user:carol', 'carol');
    const error = await limiter.check('user:carol', 'carol').catch((e) => e);
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 60, http: { status: 429 } });
    expect(error.extensions.http.headers.get('retry-after')).toBe('60');
    expect(error.message).toMatch(/rate limit exceeded: 1 requests per 60 s for carol; retry in 60 s/);
  });

  it('refuses an address after too many failed authentications, before its credentials are looked at', async () => {
    const limiter = createRateLimiter({ store: memoryRateLimitStore(), failureLimit: 2 });
    await limiter.checkFailures('10.0.0.9'); // never failed: passes without a store look-up
    await limiter.recordFailure('10.0.0.9');
    await limiter.checkFailures('10.0.0.9');
    await limiter.recordFailure('10.0.0.9');
    const error = await limiter.checkFailures('10.0.0.9').catch((e) => e);
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', http: { status: 429 } });
    expect(error.message).toMatch(/too many failed authentications: 2 per 60 s from 10\.0\.0\.9/);
    await expect(limiter.checkFailures('10.0.0.10')).resolves.toBeUndefined();
  });

  describe('in Redis', () => {
    let redis: Redis | undefined;
    let store: RateLimitStore;
    beforeAll(async () => {
      if (!(await testRedis('the Redis sliding window'))) return;
      redis = new Redis(REDIS_URL);
      store = redisRateLimitStore(redis, `plantgraph:test:${randomBytes(4).toString('hex')}:`);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('slides: a request refused within the window is allowed once the oldest one leaves it', async () => {
      if (!redis) return;
      for (let i = 0; i < 3; i++) expect((await store.take('dave', 3, 1_000, true)).allowed).toBe(true);
      await sleep(300);
      const refused = await store.take('dave', 3, 1_000, true);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(400);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(720);
      await sleep(refused.retryAfterMs + 50);
      expect((await store.take('dave', 3, 1_000, true)).allowed).toBe(true);
    });

    it('lets exactly the limit through when replicas race for the last places', async () => {
      if (!redis) return;
      const results = await Promise.all(Array.from({ length: 40 }, () => store.take('erin', 5, 10_000, true)));
      expect(results.filter((r) => r.allowed)).toHaveLength(5);
    });

    it('only looks when asked not to record', async () => {
      if (!redis) return;
      for (let i = 0; i < 5; i++) expect((await store.take('frank', 1, 10_000, false)).allowed).toBe(true);
      expect((await store.take('frank', 1, 10_000, true)).count).toBe(1);
    });
  });
});
