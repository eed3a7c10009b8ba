import 'reflect-metadata';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { localChangeBus, type ChangeBus } from '../../../platform/change-bus';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { inventoryOutboxHandlers } from '../../../subgraphs/inventory/count-task/count-task.handoff';
import { mesSystem } from '../../../subgraphs/mes/server';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { startChangeRelay, type ChangeRelay } from '../../../subgraphs/kit/events';
import { createRelay, type Relay } from '../../../subgraphs/kit/outbox/relay';
import { relayServiceHeaders } from '../../../subgraphs/kit/outbox/system-relay';
import { postGraphQL, startTestStack, testToken, type TestStack } from '../../support/stack';
import { Inbox } from '../../support/inbox';
import { bookQuantityOf, firstWorkOrderOf, scheduledCountTasks } from '../../support/plant-rows';
import type { MesDatabase } from '../../../subgraphs/mes/db';
import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../../../subgraphs/erp/db';
import type { InventoryDatabase } from '../../../subgraphs/inventory/db';

const COUNT_TASK_CHANGED = `subscription Counter($site: ID!) {
  countTaskChanged(siteId: $site) { id status materialSite { materialId bookQuantity material { description } } }
}`;

describe('live subscriptions over WebSocket and SSE, each event resolved through the gateway', () => {
  let stack: TestStack;
  let bus: ChangeBus;
  const changeRelays: ChangeRelay[] = [];
  let outbox: Relay;
  let wsUrl: string;
  const clients: (WsClient | SseClient)[] = [];

  const ws = (connectionParams: Record<string, unknown> | (() => Promise<Record<string, unknown>>)) => {
    const client = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
    clients.push(client);
    return client;
  };
  const sse = (headers: Record<string, string>) => {
    const client = createSseClient({ url: stack.gatewayUrl, headers, retryAttempts: 0, singleConnection: false });
    clients.push(client);
    return client;
  };

  /** While closed, the systems' relays hold the events they publish (the gateway has not heard of them yet). */
  let gate: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    const local = localChangeBus();
    bus = { ...local, publish: async (event) => (await gate, local.publish(event)) };
    stack = await startTestStack([erpSystem, inventorySystem, mesSystem, qualitySystem], {
      live: {
        bus,
        config: {
          limits: { maxSubscriptionsPerCaller: 6, maxEventsPerSecondPerCaller: 200, maxBufferedPerSubscriber: 64 },
          channel: 'unused',
        },
      },
    });
    const port = new URL(stack.gatewayUrl).port;
    wsUrl = `ws://127.0.0.1:${port}/graphql`;
    for (const system of ['erp', 'inventory', 'mes', 'quality'] as const) {
      changeRelays.push(startChangeRelay({ system, database: stack.databases[system]!.database, bus, pollMs: 200 }));
    }
    outbox = createRelay({
      system: 'inventory',
      db: stack.databases.inventory!.database.db,
      gatewayUrl: stack.gatewayUrl,
      handlers: inventoryOutboxHandlers,
      headers: relayServiceHeaders('inventory', process.env.CALLER_SIGNING_KEY!),
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      maxAttempts: 100,
      pollIntervalMs: 50,
    });
  });
  afterAll(async () => {
    for (const client of clients) client.dispose();
    await outbox?.stop();
    await Promise.all(changeRelays.map((r) => r.stop()));
    await stack?.stop();
    await bus?.close();
  });

  it('delivers COUNTED, then the verdict, each as its change committed, with ERP’s book quantity, over both transports', async () => {
    const token = await testToken({ roles: ['admin'] });
    const overWs = new Inbox();
    const overSse = new Inbox();
    ws({ authorization: `Bearer ${token}` }).subscribe({ query: COUNT_TASK_CHANGED, variables: { site: 'S01' } }, overWs.sink);
    sse({ authorization: `Bearer ${token}` }).subscribe({ query: COUNT_TASK_CHANGED, variables: { site: 'S01' } }, overSse.sink);
    // Both subscriptions are held before anything changes.
    const started = Date.now();
    while ((await postGraphQL(stack.gatewayUrl, '{ __typename }')).status !== 200 || Date.now() - started < 500)
      await new Promise((r) => setTimeout(r, 100));

    const [task] = await scheduledCountTasks(stack.databases.inventory!.database.db as Kysely<InventoryDatabase>, 'S01');
    const book = await bookQuantityOf(stack.databases.erp!.database.db as Kysely<ErpDatabase>, task!.materialId, 'S01');
    // Both changes commit before the gateway hears of either: COUNTED, then the hand-off's verdict.
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    outbox.start();
    const submitted = await postGraphQL(
      stack.gatewayUrl,
      'mutation ($id: ID!, $q: Float!) { submitCount(taskId: $id, countedQuantity: $q, countedBy: "ana.ruiz") { id status } }',
      { id: task.id, q: book + 1_000 },
    );
    expect(submitted.body.errors).toBeUndefined();
    const inventory = stack.databases.inventory!.database.db as any;
    const statusNow = async () =>
      (await inventory.selectFrom('countTasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow()).status;
    const waitedFrom = Date.now();
    while ((await statusNow()) === 'COUNTED' && Date.now() - waitedFrom < 20_000) await new Promise((r) => setTimeout(r, 50));
    expect(await statusNow()).toBe('RECOUNT_REQUIRED');
    expect(overWs.results).toEqual([]);
    open();

    for (const inbox of [overWs, overSse]) {
      await inbox.waitFor('the verdict', (rs) =>
        rs.some(
          (r) =>
            r.data?.countTaskChanged?.id === task.id && ['RECOUNT_REQUIRED', 'PENDING_APPROVAL'].includes(r.data.countTaskChanged.status),
        ),
      );
      const mine = inbox.results.filter((r) => r.data?.countTaskChanged?.id === task.id);
      expect(mine.map((r) => r.data.countTaskChanged.status)).toEqual(['COUNTED', 'RECOUNT_REQUIRED']);
      for (const result of mine) {
        expect(result.errors).toBeUndefined();
        // From ERP, at the moment of the event: the book quantity ERP's own database holds.
        expect(result.data.countTaskChanged.materialSite).toEqual(
          expect.objectContaining({ materialId: task.materialId, bookQuantity: book }),
        );
        expect(typeof result.data.countTaskChanged.materialSite.material.description).toBe('string');
      }
    }
  });

  it('refuses a caller held to the partner contract: a supplier-bound user gets no subscription, over either transport', async () => {
    const token = await testToken({ roles: ['supplier'], supplierId: 'V00001' });
    const overWs = new Inbox();
    ws({ authorization: `Bearer ${token}` }).subscribe({ query: COUNT_TASK_CHANGED, variables: { site: 'S01' } }, overWs.sink);
    await overWs.ended();
    expect(JSON.stringify(overWs.error)).toMatch(/TRUSTED_DOCUMENT_REQUIRED|partners may run only/);
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: COUNT_TASK_CHANGED, variables: { site: 'S01' } }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('closes a WebSocket whose connection_init carries no valid token, naming why', async () => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer not-a-token' } }));
    const [code, reason] = await new Promise<[number, string]>((resolve) => socket.once('close', (c, r) => resolve([c, r.toString()])));
    expect(code).toBe(4401);
    expect(reason).toMatch(/UNAUTHENTICATED/);
  });

  it('closes a WebSocket when its token expires, after ending its subscriptions', async () => {
    const token = await testToken({ roles: ['admin'], expiresIn: '3s' });
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    const closed = new Promise<[number, string]>((resolve) => socket.once('close', (c, r) => resolve([c, r.toString()])));
    const started = Date.now();
    while (!messages.some((m) => m.type === 'connection_ack')) {
      if (Date.now() - started > 5_000) throw new Error(`no connection_ack: ${JSON.stringify(messages)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    socket.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { workCenterStateChanged(siteId: "S01") { id } }' } }),
    );
    const [code, reason] = await closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/expired/);
    // The subscription itself was ended with the reason before the socket closed.
    expect(messages.find((m) => m.id === '1' && m.type === 'next')?.payload.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses queries on the live transports and unknown live fields, with 4xx', async () => {
    const token = await testToken();
    const query = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(query.status).toBe(400);
    expect(((await query.json()) as any).errors[0].message).toMatch(/only subscriptions/);
    const unknown = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'subscription { nothingChanged(siteId: "S01") { id } }' }),
    });
    expect(unknown.status).toBe(400);
  });

  it("applies the document limits to a subscription's selection before it is held", async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: id`).join(' ');
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${await testToken()}` },
      body: JSON.stringify({ query: `subscription { workCenterStateChanged(siteId: "S01") { ${aliases} } }` }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('OPERATION_TOO_COMPLEX');
  });

  it('limits the subscriptions one caller holds', async () => {
    const token = await testToken({ roles: ['admin'], subject: 'many-screens' });
    const client = ws({ authorization: `Bearer ${token}` });
    const inboxes = Array.from({ length: 7 }, () => new Inbox());
    for (const inbox of inboxes) client.subscribe({ query: 'subscription { workCenterStateChanged(siteId: "S01") { id } }' }, inbox.sink);
    const started = Date.now();
    while (!inboxes.some((i) => i.error) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 25));
    const refused = inboxes.filter((i) => i.error);
    expect(refused).toHaveLength(1);
    expect(JSON.stringify(refused[0]!.error)).toMatch(/RATE_LIMITED|LIVE_MAX_SUBSCRIPTIONS/);
  });

  it('resolves an event with a system down as queries do: that system’s fields null with SUBGRAPH_UNAVAILABLE, over both transports', async () => {
    const token = await testToken();
    const query = 'subscription { workOrderProgressed(siteId: "S01") { id plannedQuantity dispatchStatus } }';
    const overSse = new Inbox();
    const overWs = new Inbox();
    sse({ authorization: `Bearer ${token}` }).subscribe({ query }, overSse.sink);
    ws({ authorization: `Bearer ${token}` }).subscribe({ query }, overWs.sink);
    await new Promise((r) => setTimeout(r, 500));
    const order = await firstWorkOrderOf(stack.databases.mes!.database.db as Kysely<MesDatabase>, 'S01');
    // MES goes down between writing its change and the gateway reading it: the event is on the bus, MES is not there.
    await stopServerAt(stack, 'mes');
    await bus.publish({ field: 'workOrderProgressed', scope: 'S01', key: { id: order.id }, system: 'mes', seq: 1, writtenAt: Date.now() });
    for (const inbox of [overSse, overWs]) {
      await inbox.waitFor('the event', (rs) => rs.length > 0);
      const [result] = inbox.results;
      expect(result!.data.workOrderProgressed).toEqual(expect.objectContaining({ id: order.id, dispatchStatus: null }));
      expect(typeof result!.data.workOrderProgressed.plannedQuantity).toBe('number');
      expect(result!.errors).toEqual([
        expect.objectContaining({
          path: ['workOrderProgressed'],
          extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', system: 'mes' }),
        }),
      ]);
      // The same read as a query answers the same way.
      const asQuery = await postGraphQL(
        stack.gatewayUrl,
        'query ($id: ID!) { workOrderProgressed: workOrder(id: $id) { id plannedQuantity dispatchStatus } }',
        { id: order.id },
      );
      expect(asQuery.body.data).toEqual(result!.data);
      expect(asQuery.body.errors).toEqual([
        expect.objectContaining({
          path: ['workOrderProgressed'],
          extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', system: 'mes' }),
        }),
      ]);
    }
  });
});

/** Stops the in-process server of one system of a test stack: its port then refuses connections. */
async function stopServerAt(stack: TestStack, system: 'mes'): Promise<void> {
  const server = stack.servers[system]!.httpServer;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
