import type { AddressInfo } from 'node:net';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type { Caller } from '../../../platform/caller';
import { CALLER_HEADER, generateCallerKey, signCaller } from '../../../platform/caller-header';
import { createNonceStore, memoryNonceStore, type NonceStore } from '../../../platform/nonce-store';
import { createSubgraphServer, type SubgraphServer } from '../../../subgraphs/kit/server';
import { createLogger } from '../../../platform/logger';
import { registry } from '../../../platform/metrics';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { rights: { type: GraphQLString, resolve: (_, __, ctx: { caller: Caller }) => ctx.caller.roles.join('+') } },
  }),
});
const key = generateCallerKey();
const planner: Caller = { subject: 'u-1', kind: 'user', roles: ['planner'], scopes: [] };
const BODY = JSON.stringify({ query: '{ rights }' });

async function replica(nonces: NonceStore): Promise<{ server: SubgraphServer; url: string }> {
  const server = await createSubgraphServer({
    system: 'erp',
    schema,
    callerKey: key,
    nonces,
    context: async (caller) => ({ caller }),
    ready: async () => true,
    logger: createLogger('erp', { LOG_LEVEL: 'silent' }),
  });
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/graphql` };
}

/** `plantgraph_caller_header_refusals_total{system="erp", reason}` now. */
async function refusals(reason: string): Promise<number> {
  const metric = await registry.getSingleMetric('plantgraph_caller_header_refusals_total')?.get();
  return metric?.values.find((v) => v.labels.system === 'erp' && v.labels.reason === reason)?.value ?? 0;
}

const post = (url: string, header: string, body = BODY) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_HEADER]: header }, body }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

describe("a subgraph's door", () => {
  const started: SubgraphServer[] = [];
  afterAll(() => Promise.all(started.map((s) => s.stop())));
  const start = async (nonces: NonceStore) => {
    const r = await replica(nonces);
    started.push(r.server);
    return r.url;
  };

  it('accepts a header once across replicas that share their nonce store', async () => {
    const nonces = memoryNonceStore();
    const [first, second] = [await start(nonces), await start(nonces)];
    const header = signCaller(planner, key, { audience: 'erp', body: BODY });
    expect(await post(first!, header)).toEqual({ status: 200, body: { data: { rights: 'planner' } } });
    const before = await refusals('replay');
    const replay = await post(second!, header);
    expect(replay.status).toBe(401);
    expect(replay.body.errors[0]).toMatchObject({ message: expect.stringMatching(/replay/), extensions: { code: 'UNAUTHENTICATED' } });
    expect(await refusals('replay')).toBe(before + 1);
  });

  it('accepts a header once across replicas with their own Redis connections (REDIS_URL)', async () => {
    if (!process.env.REDIS_URL) return; // the memory case above; global setup checks that a given Redis answers
    const stores = [createNonceStore({ redisUrl: process.env.REDIS_URL }), createNonceStore({ redisUrl: process.env.REDIS_URL })];
    try {
      const [first, second] = [await start(stores[0]!), await start(stores[1]!)];
      const header = signCaller(planner, key, { audience: 'erp', body: BODY });
      const answers = await Promise.all([post(first!, header), post(second!, header)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
      expect(answers.find((a) => a.status === 401)!.body.errors[0].message).toMatch(/replay/);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('binds a GET to its query string', async () => {
    const url = await start(memoryNonceStore());
    const search = `?query=${encodeURIComponent('{ rights }')}`;
    const get = (query: string, header: string) =>
      fetch(`${url}${query}`, { headers: { [CALLER_HEADER]: header, 'apollo-require-preflight': '1' } }).then((r) => r.status);
    expect(await get(search, signCaller(planner, key, { audience: 'erp', body: search }))).toBe(200);
    expect(await get(`?query=${encodeURIComponent('{ __typename }')}`, signCaller(planner, key, { audience: 'erp', body: search }))).toBe(
      401,
    );
  });

  it('refuses with 503 while its nonce store cannot be reached, never lets the request pass', async () => {
    const down: NonceStore = { shared: true, claim: () => Promise.reject(new Error('connect ECONNREFUSED')), close: async () => undefined };
    const url = await start(down);
    const { status, body } = await post(url, signCaller(planner, key, { audience: 'erp', body: BODY }));
    expect(status).toBe(503);
    expect(body.errors[0]).toMatchObject({
      message: expect.stringMatching(/nonce store is unreachable/),
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(body.data).toBeUndefined();
  });
});
