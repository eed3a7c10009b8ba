import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { createGatewayPerformance } from '../../../gateway/performance';
import { entityCacheFetcher, memoryEntityCacheStore, redisEntityCacheStore } from '../../../gateway/performance/entity-cache';
import { createPooledFetcher, type PooledFetcher } from '../../../gateway/performance/pooled-fetcher';
import { SYSTEMS, SYSTEM_NAMES } from '../../../platform/systems';
import { entityCacheLookups } from '../../../gateway/performance/sharing-metrics';
import type { Caller } from '../../../platform/caller';
import { CALLER_HEADER, generateCallerKey, signCaller } from '../../../platform/caller-header';

const key = generateCallerKey();
const alice: Caller = { subject: 'alice', kind: 'user', roles: [], scopes: [] };
const partner: Caller = { subject: 'partner:k1', kind: 'partner', roles: [], scopes: ['partner:customer'], customerId: 'C00001' };

const ENTITIES = JSON.stringify({ query: 'query Q__crm__1($representations:[_Any!]!){_entities(representations:$representations){...on Customer{name}}}', variables: { representations: [{ __typename: 'Customer', id: 'C00001' }] } });
const ROOT = JSON.stringify({ query: 'query Q__crm__0{customers{id name}}' });
const MUTATION = JSON.stringify({ query: 'mutation M__crm__0{updateCustomerProfile(id:"C00001",input:{}){id}}' });

/** A subgraph stand-in: counts requests, answers with the request number (so a reuse is visible), errors on demand. */
function subgraph() {
  let received = 0;
  let failNext = false;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const n = (received += 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (failNext) {
        failNext = false;
        res.end(JSON.stringify({ data: { _entities: [null] }, errors: [{ message: 'boom' }] }));
      } else res.end(JSON.stringify({ data: { _entities: [{ name: `answer ${n}` }] } }));
    });
  });
  return {
    server,
    received: () => received,
    failOnce: () => (failNext = true),
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
  };
}

describe('entity cache', () => {
  let target: ReturnType<typeof subgraph>;
  let pool: PooledFetcher;
  let clock = 0;
  beforeEach(async () => {
    target = subgraph();
    await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
    pool = createPooledFetcher();
    clock = 1_000_000;
  });
  afterEach(async () => {
    await pool.close();
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
  });

  const ask = (fetcher: ReturnType<typeof entityCacheFetcher>['fetcher'], body: string, caller: Caller = alice) =>
    fetcher(target.url(), { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_HEADER]: signCaller(caller, key) }, body }).then((r) => r.json());

  const lookups = async (outcome: string) => (await entityCacheLookups.get()).values.find((v) => v.labels.system === 'crm' && v.labels.outcome === outcome)?.value ?? 0;

  it('reuses an entity answer of the same caller until the TTL runs out, then asks again', async () => {
    const [hitsBefore, missesBefore] = [await lookups('hit'), await lookups('miss')];
    const cache = entityCacheFetcher(pool.fetcher, { system: 'crm', ttlSeconds: 60, store: memoryEntityCacheStore({ now: () => clock }) });
    expect(await ask(cache.fetcher, ENTITIES)).toEqual({ data: { _entities: [{ name: 'answer 1' }] } });
    clock += 59_000;
    expect(await ask(cache.fetcher, ENTITIES)).toEqual({ data: { _entities: [{ name: 'answer 1' }] } });
    expect(target.received()).toBe(1);
    clock += 1_000;
    expect(await ask(cache.fetcher, ENTITIES)).toEqual({ data: { _entities: [{ name: 'answer 2' }] } });
    expect(target.received()).toBe(2);
    expect(cache.stats).toEqual({ hits: 1, misses: 2 });
    // The same counts in plantgraph_entity_cache_lookups_total{system,outcome}.
    expect([(await lookups('hit')) - hitsBefore, (await lookups('miss')) - missesBefore]).toEqual([1, 2]);
  });

  it('serves an answer to callers with the same rights, never to a caller whose rights differ', async () => {
    const cache = entityCacheFetcher(pool.fetcher, { system: 'crm', ttlSeconds: 60, store: memoryEntityCacheStore({ now: () => clock }) });
    await ask(cache.fetcher, ENTITIES, alice);
    expect(await ask(cache.fetcher, ENTITIES, { ...alice, subject: 'bob' })).toEqual({ data: { _entities: [{ name: 'answer 1' }] } });
    expect(await ask(cache.fetcher, ENTITIES, partner)).toEqual({ data: { _entities: [{ name: 'answer 2' }] } });
    expect(await ask(cache.fetcher, ENTITIES, partner)).toEqual({ data: { _entities: [{ name: 'answer 2' }] } });
    expect(await ask(cache.fetcher, ENTITIES, { ...partner, subject: 'partner:k2', customerId: 'C00002' })).toEqual({ data: { _entities: [{ name: 'answer 3' }] } });
    expect(await ask(cache.fetcher, ENTITIES, { ...alice, roles: ['finance'] })).toEqual({ data: { _entities: [{ name: 'answer 4' }] } });
    expect(target.received()).toBe(4);
  });

  it('caches neither root fields, nor mutations, nor answers with errors, nor anything when the TTL is 0', async () => {
    const store = memoryEntityCacheStore({ now: () => clock });
    const cache = entityCacheFetcher(pool.fetcher, { system: 'crm', ttlSeconds: 60, store });
    await ask(cache.fetcher, ROOT);
    await ask(cache.fetcher, ROOT);
    await ask(cache.fetcher, MUTATION);
    await ask(cache.fetcher, MUTATION);
    expect(target.received()).toBe(4);
    target.failOnce();
    expect((await ask(cache.fetcher, ENTITIES)).errors).toHaveLength(1);
    expect(await ask(cache.fetcher, ENTITIES)).toEqual({ data: { _entities: [{ name: 'answer 6' }] } });
    expect(target.received()).toBe(6);
    const off = entityCacheFetcher(pool.fetcher, { system: 'mes', ttlSeconds: 0, store });
    await ask(off.fetcher, ENTITIES);
    await ask(off.fetcher, ENTITIES);
    expect(target.received()).toBe(8);
  });

  it('keeps the memory store bounded', async () => {
    const store = memoryEntityCacheStore({ maxEntries: 3, now: () => clock });
    for (let i = 0; i < 5; i++) await store.set(`k${i}`, `v${i}`, 1_000);
    expect(store.size).toBe(3);
    expect(await store.get('k0')).toBeUndefined();
    expect(await store.get('k4')).toBe('v4');
  });

  it('expires entries in Redis after their TTL', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    try {
      const store = redisEntityCacheStore(redis);
      const k = `plantgraph:test:entity-cache:${process.pid}:${Date.now()}`;
      await store.set(k, 'value', 300);
      expect(await store.get(k)).toBe('value');
      await new Promise((r) => setTimeout(r, 450));
      expect(await store.get(k)).toBeUndefined();
    } finally {
      redis.disconnect();
    }
  });

  it("follows each system's TTL in the registry: shop-floor systems are never cached", async () => {
    for (const system of ['mes', 'inventory', 'quality'] as const) expect(SYSTEMS[system].entityCacheTtlSeconds).toBe(0);
    const performance = createGatewayPerformance({ connectionsPerSubgraph: 4, dedup: true, batch: true, batchConcurrency: 8, operationDedup: true, entityCache: true, resultShaping: 'planned' });
    try {
      const cached = SYSTEM_NAMES.filter((s) => SYSTEMS[s].entityCacheTtlSeconds > 0);
      expect(SYSTEM_NAMES.filter((s) => performance.entityCache(s) !== undefined).sort()).toEqual([...cached].sort());
      expect(performance.entityCache('someone-elses-subgraph')).toBeUndefined();
    } finally {
      await performance.stop();
    }
    const off = createGatewayPerformance({ connectionsPerSubgraph: 4, dedup: true, batch: true, batchConcurrency: 8, operationDedup: true, entityCache: false, resultShaping: 'planned' });
    expect(SYSTEM_NAMES.filter((s) => off.entityCache(s) !== undefined)).toEqual([]);
    await off.stop();
  });
});
