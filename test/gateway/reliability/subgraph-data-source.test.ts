import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { composeGraph } from '../../../cli/compose';
import { subgraphFetchErrors, subgraphRetries } from '../../../gateway/reliability/metrics';
import { DEFAULT_POLICY, loadReliabilityConfig, type ReliabilityConfig } from '../../../gateway/reliability/policy';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createLogger } from '../../../platform/logger';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { listenOnFreePort, opsHeaders, postGraphQL, staticSupergraph, startTestStack, type TestStack } from '../../support/stack';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

const silent = createLogger('test', { LOG_LEVEL: 'silent' });

const reliability: ReliabilityConfig = {
  defaults: {
    ...DEFAULT_POLICY,
    timeoutMs: 500,
    retries: 2,
    retryBaseDelayMs: 10,
    breakerFailureThreshold: 3,
    breakerProbeMs: 1_000,
    breakerResetMs: 1_000,
  },
  systems: {},
};

async function counterValue(counter: typeof subgraphRetries | typeof subgraphFetchErrors, labels: Record<string, string>): Promise<number> {
  const metric = await counter.get();
  const matches = (v: { labels: Record<string, string | number | undefined> }) =>
    Object.entries(labels).every(([k, val]) => v.labels[k] === val);
  return metric.values
    .filter((v) => matches(v as { labels: Record<string, string | number | undefined> }))
    .reduce((sum, v) => sum + v.value, 0);
}

// ERP owns the list and the book quantity; inventory contributes the nullable abcClass and variance.
const QUERY =
  '{ materialSites(siteId: "S01", materialIds: ["M000001", "M000002", "M000003"]) { nodes { materialId bookQuantity abcClass countVarianceQuantity } } }';

describe('gateway data source: timeouts, retries and circuit breaker against a real subgraph', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  let gateway: GatewayServer;
  let url: string;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    proxy = await startTcpProxy(Number(new URL(stack.subgraphUrls.inventory!).port));
    const { files } = await composeGraph([erpSystem, inventorySystem]);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      subgraphUrls: { erp: stack.subgraphUrls.erp, inventory: proxy.url('/graphql') },
      logger: silent,
      reliability,
    });
    url = await listenOnFreePort(gateway.httpServer);
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await proxy?.close();
    await stack?.stop();
  });

  const waitForProbe = () => new Promise((r) => setTimeout(r, reliability.defaults.breakerResetMs + 50));

  it('answers from both systems while both are up', async () => {
    const { status, body } = await postGraphQL(url, QUERY);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.materialSites.nodes).toHaveLength(3);
    for (const site of body.data.materialSites.nodes) expect(site.abcClass).toMatch(/^[ABC]$/);
  });

  it('nulls only inventory fields, names the system, and retries a refused query', async () => {
    await proxy.setMode('refuse');
    const retriesBefore = await counterValue(subgraphRetries, { system: 'inventory' });
    const { status, body } = await postGraphQL(url, QUERY);
    expect(status).toBe(200);
    expect(body.data.materialSites.nodes).toHaveLength(3);
    for (const site of body.data.materialSites.nodes) {
      expect(typeof site.bookQuantity).toBe('number');
      expect(site.abcClass).toBeNull();
      expect(site.countVarianceQuantity).toBeNull();
    }
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', system: 'inventory', reason: 'refused' });
    expect(body.errors![0]!.message).toMatch(/inventory is unavailable \(connection refused\)/);
    expect(body.errors![0]!.path).toEqual(['materialSites', 'nodes', 0]);
    expect((await counterValue(subgraphRetries, { system: 'inventory' })) - retriesBefore).toBe(2);
    // three failed attempts: the breaker (threshold 3) is now open
    expect(gateway.health.breaker('inventory').current).toBe('open');
  });

  it('fails fast while the circuit is open, and /ready reports it without going down', async () => {
    const started = Date.now();
    const { body } = await postGraphQL(url, QUERY);
    expect(Date.now() - started).toBeLessThan(200);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', system: 'inventory', reason: 'circuit_open' });
    expect(body.data.materialSites.nodes[0].bookQuantity).toEqual(expect.any(Number));

    const ready = await fetch(url.replace('/graphql', '/ready'), { headers: opsHeaders() });
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as any;
    expect(report.status).toBe('degraded');
    expect(report.systems.erp).toMatchObject({ ready: true, breaker: { state: 'closed' } });
    expect(report.systems.inventory).toMatchObject({
      ready: false,
      detail: 'connection refused',
      breaker: { state: 'open', lastError: 'connection refused' },
    });
    expect(Date.parse(report.systems.inventory.checkedAt)).toBeGreaterThan(started - 1);
  });

  it('times out a subgraph that accepts and never answers, without retrying it', async () => {
    await proxy.setMode('hang');
    await waitForProbe(); // the half-open probe goes to the hanging system
    const timeoutsBefore = await counterValue(subgraphFetchErrors, { system: 'inventory', reason: 'timeout' });
    const started = Date.now();
    const { body } = await postGraphQL(url, QUERY);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1_500);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', system: 'inventory', reason: 'timeout' });
    expect(body.data.materialSites.nodes).toHaveLength(3);
    expect((await counterValue(subgraphFetchErrors, { system: 'inventory', reason: 'timeout' })) - timeoutsBefore).toBe(1);
    expect(gateway.health.breaker('inventory').current).toBe('open'); // the failed probe reopened it
  });

  it('recovers when the system returns: the probe closes the circuit', async () => {
    await proxy.setMode('forward');
    await waitForProbe();
    const { body } = await postGraphQL(url, QUERY);
    expect(body.errors).toBeUndefined();
    expect(body.data.materialSites.nodes[0].abcClass).toMatch(/^[ABC]$/);
    expect(gateway.health.breaker('inventory').current).toBe('closed');
    const report = (await (await fetch(url.replace('/graphql', '/ready'), { headers: opsHeaders() })).json()) as any;
    expect(report.status).toBe('ready');
  });
});

describe('gateway data source: mutations are never retried', () => {
  let failing: Server;
  let gateway: GatewayServer;
  let url: string;
  let requests: string[] = [];

  beforeAll(async () => {
    // A subgraph that always answers 503, recording what it was sent.
    failing = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push(JSON.parse(body).query);
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"errors":[{"message":"overloaded"}]}');
      });
    });
    const subgraphUrl = await listenOnFreePort(failing);
    const typeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { ping: Int }
      type Mutation { bump: Int }
    `);
    const result = composeServices([{ name: 'counter', url: subgraphUrl, typeDefs }]);
    if (!result.supergraphSdl) throw new Error(String(result.errors));
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(result.supergraphSdl),
      logger: silent,
      reliability: { ...loadReliabilityConfig({ SUBGRAPH_RETRIES: '2', SUBGRAPH_RETRY_DELAY_MS: '1', BREAKER_FAILURE_THRESHOLD: '100' }) },
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway?.stop();
    failing?.close();
  });

  it('retries a query on 503 and sends a mutation once', async () => {
    requests = [];
    const query = await postGraphQL(url, '{ ping }');
    expect(query.body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', system: 'counter', reason: 'http_5xx' });
    expect(query.body.data).toEqual({ ping: null });
    expect(requests).toHaveLength(3);

    requests = [];
    const mutation = await postGraphQL(url, 'mutation { bump }');
    expect(mutation.body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', system: 'counter' });
    expect(mutation.body.data).toEqual({ bump: null });
    expect(requests).toHaveLength(1);
  });
});
