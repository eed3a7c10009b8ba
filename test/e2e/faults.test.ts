import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeGraph } from '../../cli/compose';
import { erpSystem } from '../../subgraphs/erp/server';
import { inventorySystem } from '../../subgraphs/inventory/server';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { runNode, startSubgraphProcess, type NodeProcess } from '../support/processes';
import { opsHeaders, postGraphQL } from '../support/stack';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

// Every process of the test shares this key and runs without user authentication, so that the
// faults, not the credentials, are what is exercised.
const SHARED_ENV = { CALLER_SIGNING_KEY: randomBytes(32).toString('hex'), AUTH_MODE: 'none' };
const QUERY = '{ materialSites(siteId: "S01", materialIds: ["M000001", "M000002"]) { nodes { materialId bookQuantity abcClass } } }';
const TIMEOUT_MS = 1_000;
const RESET_MS = 500;

describe('faults with real processes: subgraphs killed, refusing, hanging; the gateway stopped mid-flight', () => {
  let dir: string;
  let erpDb: TestDatabase;
  let inventoryDb: TestDatabase;
  let erp: NodeProcess;
  let inventory: NodeProcess;
  let inventoryPort: number;
  let proxy: TcpProxy;
  let gateway: NodeProcess;
  let gatewayUrl: string;

  const startInventory = async (port: number) => {
    const started = await startSubgraphProcess('inventory', { ...SHARED_ENV, PORT: String(port), DATABASE_URL: inventoryDb.url });
    inventory = started.proc;
    return started.port;
  };
  const ask = () => postGraphQL(gatewayUrl, QUERY);
  const afterReset = () => new Promise((r) => setTimeout(r, RESET_MS + 100));
  const expectWhole = async () => {
    const { status, body } = await ask();
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.materialSites.nodes.map((s: any) => s.abcClass)).toEqual([
      expect.stringMatching(/^[ABC]$/),
      expect.stringMatching(/^[ABC]$/),
    ]);
  };
  const expectInventoryNulled = async (reasons: string[]) => {
    const { status, body } = await ask();
    expect(status).toBe(200);
    expect(body.data.materialSites.nodes).toHaveLength(2);
    for (const site of body.data.materialSites.nodes) {
      expect(site.bookQuantity).toEqual(expect.any(Number));
      expect(site.abcClass).toBeNull();
    }
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', system: 'inventory' });
    expect(reasons).toContain(body.errors![0]!.extensions!.reason);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-faults-'));
    [erpDb, inventoryDb] = await Promise.all([
      createTestDatabase(erpSystem, { seed: true }),
      createTestDatabase(inventorySystem, { seed: true }),
    ]);
    const supergraph = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraph, (await composeGraph([erpSystem, inventorySystem])).files['supergraph.graphql']!);
    const erpStarted = await startSubgraphProcess('erp', { ...SHARED_ENV, DATABASE_URL: erpDb.url });
    erp = erpStarted.proc;
    inventoryPort = await startInventory(0);
    proxy = await startTcpProxy(inventoryPort);
    gateway = runNode('dist/gateway/main.js', {
      ...SHARED_ENV,
      HOST: '127.0.0.1',
      PORT: '0',
      SUPERGRAPH_PATH: supergraph,
      ERP_URL: erpStarted.url,
      INVENTORY_URL: proxy.url('/graphql'),
      // The anonymous caller's rate window lives in Redis when REDIS_URL is set and is shared with
      // every other gateway on it run without authentication: this test is about faults, not rates.
      RATE_LIMIT_PER_MINUTE: '1000000',
      SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
      SUBGRAPH_RETRY_DELAY_MS: '10',
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_RESET_MS: String(RESET_MS),
      SHUTDOWN_GRACE_MS: '10000',
    });
    gatewayUrl = (await gateway.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)"/))[1]!;
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await inventory?.stop();
    await erp?.stop();
    await proxy?.close();
    await Promise.all([erpDb?.drop(), inventoryDb?.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from both systems, with the request id logged by the gateway and by each subgraph', async () => {
    await expectWhole();
    const { body } = await postGraphQL(gatewayUrl, QUERY, undefined, { 'x-request-id': 'faults-request-1' });
    expect(body.errors).toBeUndefined();
    await gateway.waitFor(/"requestId":"faults-request-1"[^\n]*"graphql operation"/, 5_000);
    await erp.waitFor(/"requestId":"faults-request-1"[^\n]*"path":"\/graphql"/, 5_000);
    await inventory.waitFor(/"requestId":"faults-request-1"/, 5_000);
  });

  it('nulls the fields of a subgraph that was killed, and serves them again once it is back', async () => {
    inventory.child.kill('SIGKILL');
    await inventory.exited;
    await expectInventoryNulled(['refused', 'reset', 'network']);
    const ready = await fetch(gatewayUrl.replace('/graphql', '/ready'), { headers: opsHeaders() });
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as any;
    expect(report.systems.inventory.ready).toBe(false);
    expect(report.systems.erp.ready).toBe(true);

    await startInventory(inventoryPort);
    await afterReset();
    await expectWhole();
  }, 60_000);

  it('nulls them with reason "refused" while nothing listens, and recovers', async () => {
    await proxy.setMode('refuse');
    await expectInventoryNulled(['refused']);
    await proxy.setMode('forward');
    await afterReset();
    await expectWhole();
  });

  it('times out a subgraph that accepts and never answers, and recovers', async () => {
    await proxy.setMode('hang');
    const started = Date.now();
    await expectInventoryNulled(['timeout']);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    await proxy.setMode('forward');
    await afterReset();
    await expectWhole();
  });

  it('drains requests in flight on SIGTERM, refuses new ones, and exits 0', async () => {
    proxy.setDelay(600); // inventory answers slowly: requests are in flight when the signal comes
    const inFlight = Array.from({ length: 5 }, () => ask());
    await new Promise((r) => setTimeout(r, 200));
    gateway.child.kill('SIGTERM');
    await gateway.waitFor(/draining requests in flight/);
    await expect(
      fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) }),
    ).rejects.toThrow();
    const answers = await Promise.all(inFlight);
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.materialSites.nodes[0].abcClass).toMatch(/^[ABC]$/);
    }
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toContain('gateway stopped');
    proxy.setDelay(0);
  }, 30_000);
});
