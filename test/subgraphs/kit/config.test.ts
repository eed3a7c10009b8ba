import { loadSubgraphConfig } from '../../../subgraphs/kit/config';

const BASE = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plantgraph_erp' };

describe('a subgraph process configuration', () => {
  it('takes REDIS_URL for the nonce store its replicas share, and keeps nonces in memory without it', () => {
    expect(loadSubgraphConfig('erp', { ...BASE, REDIS_URL: 'redis://redis:6379' }).redisUrl).toBe('redis://redis:6379');
    expect(loadSubgraphConfig('erp', BASE).redisUrl).toBeUndefined();
  });

  it('refuses a REDIS_URL that is not a Redis URL, naming the variable and quoting a short prefix', () => {
    expect(() => loadSubgraphConfig('erp', { ...BASE, REDIS_URL: `localhost:6379${'x'.repeat(200)}` })).toThrow(
      /erp subgraph: REDIS_URL must be a Redis URL, e\.g\. redis:\/\/127\.0\.0\.1:6379, got "localhost:6379x{46}"$/,
    );
  });
});
