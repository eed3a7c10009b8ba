import Redis from 'ioredis';

/** The Redis tests use: `REDIS_URL`, else the default port of this machine. */
export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

async function answers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * The URL of a Redis that answers, for a test of `what` (e.g. "fan-out across replicas"); else
 * undefined after a warning that it is not tested. With `REDIS_URL` set (as CI runs the suite
 * against the machine's services) a Redis that does not answer fails the test instead.
 */
export async function testRedis(what: string): Promise<string | undefined> {
  if (await answers(TEST_REDIS_URL)) return TEST_REDIS_URL;
  if (process.env.REDIS_URL) throw new Error(`REDIS_URL is set but ${TEST_REDIS_URL} does not answer`);
  console.warn(`no Redis at ${TEST_REDIS_URL}: ${what} is not tested`);
  return undefined;
}
