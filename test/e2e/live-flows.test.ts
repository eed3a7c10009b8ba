import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { composeGraph } from '../../cli/compose';
import type { ChangeEvent } from '../../platform/change-bus';
import { freePortBlock } from '../../platform/ports';
import { SYSTEM_NAMES } from '../../platform/systems';
import { erpSystem } from '../../subgraphs/erp/server';
import { inventorySystem } from '../../subgraphs/inventory/server';
import { mesSystem } from '../../subgraphs/mes/server';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { Inbox } from '../support/inbox';
import { ROOT, runNode, startSubgraphProcess, type NodeProcess } from '../support/processes';
import { postGraphQL, testToken } from '../support/stack';
import { TEST_REDIS_URL, testRedis } from '../support/redis';
import { bookQuantityOf, firstWorkOrderOf, openOrderLineOf, scheduledCountTasks } from '../support/plant-rows';
import type { MesDatabase } from '../../subgraphs/mes/db';
import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../../subgraphs/erp/db';
import type { InventoryDatabase } from '../../subgraphs/inventory/db';

const REDIS_URL = TEST_REDIS_URL;

const COUNT_TASK_CHANGED = `subscription Counter($site: ID!) {
  countTaskChanged(siteId: $site) { id status materialSite { materialId bookQuantity material { description } } }
}`;

/**
 * The live flows the issue names, each on real processes: ERP, inventory and MES each in its own
 * process with its own database and change relay, a gateway process, change events through the
 * machine's Redis, and the inventory's outbox relay handing counts to ERP through the gateway.
 */
describe('live flows on real processes: a count handed to ERP, suppliers following their orders, MES down mid-event', () => {
  const channel = `plantgraph:changes:test:${randomBytes(4).toString('hex')}`;
  let available = false;
  let dir: string;
  const databases: Record<string, TestDatabase> = {};
  const processes: NodeProcess[] = [];
  let mes: NodeProcess;
  let gatewayUrl: string;
  const clients: (WsClient | SseClient)[] = [];

  beforeAll(async () => {
    available = (await testRedis('live flows across processes')) !== undefined;
    if (!available) return;
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-live-flows-'));
    const supergraph = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraph, (await composeGraph([erpSystem, inventorySystem, mesSystem])).files['supergraph.graphql']!);
    databases.erp = await createTestDatabase(erpSystem, { seed: true });
    databases.inventory = await createTestDatabase(inventorySystem, { seed: true });
    databases.mes = await createTestDatabase(mesSystem, { seed: true });
    const port = await freePortBlock([0]);
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
    const shared = { REDIS_URL, CHANGE_EVENTS_CHANNEL: channel };
    const erp = await startSubgraphProcess('erp', { ...shared, DATABASE_URL: databases.erp!.url });
    const inventory = await startSubgraphProcess('inventory', {
      ...shared,
      DATABASE_URL: databases.inventory!.url,
      GATEWAY_URL: gatewayUrl,
    });
    const mesProcess = await startSubgraphProcess('mes', { ...shared, DATABASE_URL: databases.mes!.url });
    mes = mesProcess.proc;
    processes.push(erp.proc, inventory.proc, mes);
    const absent = Object.fromEntries(
      SYSTEM_NAMES.filter((s) => !['erp', 'inventory', 'mes'].includes(s)).map((s) => [`${s.toUpperCase()}_URL`, undefined]),
    );
    const gateway = runNode('dist/gateway/main.js', {
      ...shared,
      ...absent,
      HOST: '127.0.0.1',
      PORT: String(port),
      SUPERGRAPH_PATH: supergraph,
      ERP_URL: erp.url,
      INVENTORY_URL: inventory.url,
      MES_URL: mesProcess.url,
      // No gateway database: users bound to a supplier run the seeded manifest, read from its file.
      DATABASE_URL: undefined,
      GATEWAY_DATABASE_URL: undefined,
      USAGE: 'off',
    });
    processes.push(gateway);
    await gateway.waitFor(/"msg":"gateway listening"/);
  }, 180_000);

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await Promise.all(Object.values(databases).map((d) => d.drop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ws = (token: string) => {
    const client = createWsClient({
      url: gatewayUrl.replace('http:', 'ws:'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  };
  const sse = (token: string) => {
    const client = createSseClient({ url: gatewayUrl, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    clients.push(client);
    return client;
  };
  /** Gives the gateway a moment to hold the subscriptions just opened before anything changes. */
  const held = () => new Promise((r) => setTimeout(r, 1_000));

  it('delivers COUNTED, then RECOUNT_REQUIRED, with ERP’s book quantity, over WebSocket and SSE', async () => {
    if (!available) return;
    const token = await testToken({ roles: ['admin'] });
    const overWs = new Inbox();
    const overSse = new Inbox();
    ws(token).subscribe({ query: COUNT_TASK_CHANGED, variables: { site: 'S01' } }, overWs.sink);
    sse(token).subscribe({ query: COUNT_TASK_CHANGED, variables: { site: 'S01' } }, overSse.sink);
    await held();

    const [task] = await scheduledCountTasks(databases.inventory!.database.db as Kysely<InventoryDatabase>, 'S01');
    const book = await bookQuantityOf(databases.erp!.database.db as Kysely<ErpDatabase>, task!.materialId, 'S01');
    const submitted = await postGraphQL(
      gatewayUrl,
      'mutation ($id: ID!, $q: Float!) { submitCount(taskId: $id, countedQuantity: $q, countedBy: "ana.ruiz") { id status } }',
      { id: task.id, q: book + 1_000 },
      { authorization: `Bearer ${token}` },
    );
    expect(submitted.body.errors).toBeUndefined();

    for (const inbox of [overWs, overSse]) {
      await inbox.until('the verdict', () => inbox.results.some((r) => r.data?.countTaskChanged?.status === 'RECOUNT_REQUIRED'), 30_000);
      const mine = inbox.results.filter((r) => r.data?.countTaskChanged?.id === task.id);
      expect(mine.map((r) => r.data.countTaskChanged.status)).toEqual(['COUNTED', 'RECOUNT_REQUIRED']);
      for (const result of mine) {
        expect(result.errors).toBeUndefined();
        expect(result.data.countTaskChanged.materialSite).toEqual(
          expect.objectContaining({ materialId: task.materialId, bookQuantity: book }),
        );
      }
    }
  }, 60_000);

  it('lets each supplier follow its own purchase orders with the trusted subscription, and never another supplier’s', async () => {
    if (!available) return;
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'questions', 'partner-manifest.json'), 'utf8')) as {
      operations: { name: string; body: string }[];
    };
    const bodyOf = (name: string) => manifest.operations.find((o) => o.name === name)!.body;
    const erp = databases.erp!.database.db as any;
    const suppliers = ['V00001', 'V00002'] as const;
    const tokens: Record<string, string> = {};
    for (const supplierId of suppliers) {
      tokens[supplierId] = await testToken({ subject: `portal-${supplierId}`, roles: [], scopes: ['partner:supplier'], supplierId });
    }
    const inboxes = { V00001: new Inbox(), V00002: new Inbox() };
    ws(tokens.V00001!).subscribe({ query: bodyOf('MyPurchaseOrderChanged'), variables: { supplierId: 'V00001' } }, inboxes.V00001.sink);
    sse(tokens.V00002!).subscribe({ query: bodyOf('MyPurchaseOrderChanged'), variables: { supplierId: 'V00002' } }, inboxes.V00002.sink);
    const prying = new Inbox();
    sse(tokens.V00001!).subscribe({ query: bodyOf('MyPurchaseOrderChanged'), variables: { supplierId: 'V00002' } }, prying.sink);
    await prying.until('the refusal', () => prying.error !== undefined);
    await held();

    const confirmed: Record<string, string> = {};
    for (const supplierId of suppliers) {
      const line = await openOrderLineOf(erp, supplierId);
      const response = await postGraphQL(
        gatewayUrl,
        bodyOf('ConfirmPurchaseOrderLine'),
        { poNumber: line.poNumber, materialId: line.materialId, promisedDate: '2027-04-01' },
        { authorization: `Bearer ${tokens[supplierId]}` },
      );
      expect(response.body.errors).toBeUndefined();
      confirmed[supplierId] = line.poNumber;
    }
    const ownOrders = async (supplierId: string) =>
      new Set(
        (await erp.selectFrom('purchaseOrders').select('number').where('supplierId', '=', supplierId).execute()).map((r: any) => r.number),
      );
    for (const supplierId of suppliers) {
      const inbox = inboxes[supplierId];
      await inbox.until(`${supplierId}'s order`, () =>
        inbox.results.some((r) => r.data?.purchaseOrderChanged?.number === confirmed[supplierId]),
      );
      const own = await ownOrders(supplierId);
      await new Promise((r) => setTimeout(r, 500));
      for (const result of inbox.results) {
        expect(result.errors).toBeUndefined();
        expect(own.has(result.data.purchaseOrderChanged.number)).toBe(true);
      }
    }
  }, 60_000);

  it('resolves an event with MES down as queries do: MES’s fields null with SUBGRAPH_UNAVAILABLE, over WebSocket and SSE', async () => {
    if (!available) return;
    const token = await testToken({ roles: ['admin'] });
    const query = 'subscription { workOrderProgressed(siteId: "S01") { id plannedQuantity dispatchStatus } }';
    const overWs = new Inbox();
    const overSse = new Inbox();
    ws(token).subscribe({ query }, overWs.sink);
    sse(token).subscribe({ query }, overSse.sink);
    await held();
    const order = await firstWorkOrderOf(databases.mes!.database.db as Kysely<MesDatabase>, 'S01');
    // MES published its change and went down before the gateway read the order's MES fields.
    await mes.stop('SIGKILL');
    const event: ChangeEvent = {
      field: 'workOrderProgressed',
      scope: 'S01',
      key: { id: order.id },
      system: 'mes',
      seq: 1,
      writtenAt: Date.now(),
    };
    const redis = new Redis(REDIS_URL);
    try {
      await redis.publish(channel, JSON.stringify(event));
    } finally {
      redis.disconnect();
    }
    for (const inbox of [overWs, overSse]) {
      await inbox.until('the event', () => inbox.results.length > 0);
      const [result] = inbox.results;
      expect(result!.data.workOrderProgressed).toEqual(expect.objectContaining({ id: order.id, dispatchStatus: null }));
      expect(typeof result!.data.workOrderProgressed.plannedQuantity).toBe('number');
      expect(result!.errors).toEqual([
        expect.objectContaining({
          path: ['workOrderProgressed'],
          extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', system: 'mes' }),
        }),
      ]);
    }
  }, 60_000);
});
