import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { gatewayOverheadSeconds, subgraphWaitSeconds } from '../../../gateway/performance/subgraph-wait';
import { createLogger } from '../../../platform/logger';
import { generateCallerKey } from '../../../platform/caller-header';
import { listenOnFreePort, postGraphQL } from '../../support/stack';

/**
 * Two subgraphs of another vendor's shape (nothing of this project in them): products, and
 * reviews contributing `Product.reviews`. Each counts the requests and sockets it received.
 */
interface Foreign {
  name: string;
  typeDefs: string;
  server: Server;
  url: string;
  requests: number;
  sockets: number;
}

const PRODUCTS = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Product @key(fields: "upc") { upc: String! name: String! price: Int! }
  type Query { topProducts(first: Int = 5): [Product!]! }
`;
const REVIEWS = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }
  type Review { body: String! stars: Int! }
`;
const products = Array.from({ length: 8 }, (_, i) => ({ upc: `U${i}`, name: `Product ${i}`, price: 100 + i }));
const reviewsOf = (upc: string) => [
  { body: `Good ${upc}`, stars: 4 },
  { body: `Fine ${upc}`, stars: 3 },
];

async function foreignSubgraph(name: string, typeDefs: string, resolvers: Record<string, any>, delayMs: number): Promise<Foreign> {
  const apollo = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers }) });
  await apollo.start();
  const subgraph = { name, typeDefs, requests: 0, sockets: 0 } as Foreign;
  subgraph.server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      subgraph.requests += 1;
      // A little latency, so that concurrent identical requests overlap as they would over a network.
      await new Promise((r) => setTimeout(r, delayMs));
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method!, headers, search: '', body: JSON.parse(body) },
        context: async () => ({}),
      });
      res.writeHead(result.status ?? 200, Object.fromEntries(result.headers));
      res.end(result.body.kind === 'complete' ? result.body.string : '');
    });
  });
  subgraph.server.keepAliveTimeout = 65_000;
  subgraph.server.on('connection', () => (subgraph.sockets += 1));
  subgraph.server.on('close', () => void apollo.stop());
  subgraph.url = await listenOnFreePort(subgraph.server);
  return subgraph;
}

describe('the gateway on a foreign supergraph (AUTH_MODE=none)', () => {
  let dir: string;
  let subgraphs: Foreign[];
  let gateway: GatewayServer;
  let url: string;

  beforeAll(async () => {
    subgraphs = [
      await foreignSubgraph(
        'products',
        PRODUCTS,
        {
          Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
          Product: { __resolveReference: ({ upc }: { upc: string }) => products.find((p) => p.upc === upc) },
        },
        20,
      ),
      await foreignSubgraph('reviews', REVIEWS, { Product: { reviews: ({ upc }: { upc: string }) => reviewsOf(upc) } }, 20),
    ];
    const composed = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.typeDefs) })));
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-foreign-'));
    writeFileSync(path.join(dir, 'supergraph.graphql'), composed.supergraphSdl);
    gateway = await createGatewayServer({
      supergraph: path.join(dir, 'supergraph.graphql'),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      security: { mode: 'none', callerKey: generateCallerKey(), rateLimit: { perMinute: 100_000 } },
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway?.stop();
    for (const s of subgraphs ?? []) {
      s.server.closeAllConnections();
      await new Promise((r) => s.server.close(r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const QUERY = '{ topProducts(first: 3) { upc name price reviews { body stars } } }';
  const expected = { topProducts: products.slice(0, 3).map((p) => ({ ...p, reviews: reviewsOf(p.upc) })) };

  it('answers a query across both subgraphs, with the values they hold', async () => {
    const { status, body } = await postGraphQL(url, QUERY, undefined, { authorization: '' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(expected);
  });

  it('reuses its connections to each subgraph across requests', async () => {
    const before = subgraphs.map((s) => s.sockets);
    for (let i = 0; i < 20; i++) expect((await postGraphQL(url, QUERY, undefined, { authorization: '' })).body.data).toEqual(expected);
    // 20 requests, 20 fetches per subgraph: at most a couple of new sockets, not one per fetch.
    subgraphs.forEach((s, i) => expect(s.sockets - before[i]!).toBeLessThanOrEqual(2));
  });

  it('merges identical concurrent subgraph queries of one caller, and every client gets the whole answer', async () => {
    const before = subgraphs.map((s) => s.requests);
    const answers = await Promise.all(Array.from({ length: 10 }, () => postGraphQL(url, QUERY, undefined, { authorization: '' })));
    for (const answer of answers) expect(answer.body).toEqual({ data: expected });
    const sent = subgraphs.map((s, i) => s.requests - before[i]!);
    // Ten client requests, each needing one fetch per subgraph; the concurrent ones share a fetch.
    expect(sent[0]).toBeLessThan(10);
    expect(sent[1]).toBeLessThan(10);
  });

  it('records per request the time spent waiting on subgraphs and its own time', async () => {
    const waitBefore = (await subgraphWaitSeconds.get()).values.find(
      (v) => v.metricName === 'plantgraph_gateway_subgraph_wait_seconds_sum',
    )!.value;
    const countBefore = (await gatewayOverheadSeconds.get()).values.find(
      (v) => v.metricName === 'plantgraph_gateway_overhead_seconds_count',
    )!.value;
    await postGraphQL(url, QUERY, undefined, { authorization: '' });
    const wait =
      (await subgraphWaitSeconds.get()).values.find((v) => v.metricName === 'plantgraph_gateway_subgraph_wait_seconds_sum')!.value -
      waitBefore;
    const count =
      (await gatewayOverheadSeconds.get()).values.find((v) => v.metricName === 'plantgraph_gateway_overhead_seconds_count')!.value -
      countBefore;
    expect(count).toBe(1);
    // Two sequential fetches of at least 20 ms each (the subgraphs' delay).
    expect(wait).toBeGreaterThanOrEqual(0.039);
    expect(wait).toBeLessThan(5);
  });

  it("tells the client each request's own time and subgraph wait in a Server-Timing header", async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(response.status).toBe(200);
    const timing = response.headers.get('server-timing') ?? '';
    const match = /^gateway;desc="own time";dur=(\d+\.\d\d), subgraphs;desc="waiting on subgraphs";dur=(\d+\.\d\d)$/.exec(timing);
    expect(match).not.toBeNull();
    const [own, wait] = [Number(match![1]), Number(match![2])];
    // Two sequential fetches of at least 20 ms each; the gateway's own share is what is left.
    expect(wait).toBeGreaterThanOrEqual(39);
    expect(own).toBeGreaterThanOrEqual(0);
    expect(own).toBeLessThan(wait + 1000);
  });
});
