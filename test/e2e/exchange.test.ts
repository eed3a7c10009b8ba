import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { composeGraph } from '../../cli/compose';
import { createGatewayServer, type GatewayServer } from '../../gateway/server';
import { createLogger } from '../../platform/logger';
import type { ErpDatabase } from '../../subgraphs/erp/db';
import { erpSystem } from '../../subgraphs/erp/server';
import { createRelay, type Relay } from '../../subgraphs/kit/outbox/relay';
import { relayServiceHeaders } from '../../subgraphs/kit/outbox/system-relay';
import type { SubgraphServer } from '../../subgraphs/kit/server';
import { createSystemServer } from '../../subgraphs/kit/system';
import { inventoryOutboxHandlers } from '../../subgraphs/inventory/count-task/count-task.handoff';
import type { InventoryDatabase } from '../../subgraphs/inventory/db';
import { inventorySystem } from '../../subgraphs/inventory/server';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { startSubgraphProcess, type NodeProcess } from '../support/processes';
import { listenOnFreePort, postGraphQL, staticSupergraph } from '../support/stack';

/**
 * A pass-through in front of the gateway that counts what each relay sends, by idempotency key,
 * and can kill the sending process after the gateway has answered and before the answer reaches
 * it: the relay dies between sending a command and recording its delivery.
 */
interface RelayProxy {
  readonly url: string;
  readonly sent: Map<string, number>;
  killAfterAnswer?: { key: string; victim: NodeProcess };
  close(): Promise<void>;
}

async function startRelayProxy(target: () => string): Promise<RelayProxy> {
  const sent = new Map<string, number>();
  const proxy: Partial<RelayProxy> & { sent: Map<string, number> } = { sent };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      sent.set(key, (sent.get(key) ?? 0) + 1);
      const answer = await fetch(target(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization ?? ''), 'idempotency-key': key },
        body,
      }).then((r) => r.text());
      const kill = proxy.killAfterAnswer;
      if (kill && kill.key === key) {
        proxy.killAfterAnswer = undefined;
        kill.victim.child.kill('SIGKILL');
        await kill.victim.exited;
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  }) as RelayProxy;
}

const TASK = 'id status erpDocumentNumber delivery { type status attempts lastError }';

describe('the count exchange with real processes: ERP down, a relay killed mid-delivery, two relays at once', () => {
  let erpDb: TestDatabase<ErpDatabase>;
  let inventoryDb: TestDatabase<InventoryDatabase>;
  let erp: Kysely<ErpDatabase>;
  let inventory: Kysely<InventoryDatabase>;
  let erpProcess: NodeProcess;
  let erpPort: number;
  let inventoryServer: SubgraphServer;
  let gateway: GatewayServer;
  let gatewayUrl: string;
  let proxy: RelayProxy;
  const extra: NodeProcess[] = [];
  const key = process.env.CALLER_SIGNING_KEY!;

  const startErp = async (port = 0) => {
    const started = await startSubgraphProcess('erp', {
      PORT: String(port),
      DATABASE_URL: erpDb.url,
      CALLER_SIGNING_KEY: key,
      LOG_LEVEL: 'info',
    });
    erpProcess = started.proc;
    erpPort = started.port;
  };
  const startInventoryReplica = async (gateway: string) => {
    const started = await startSubgraphProcess('inventory', {
      DATABASE_URL: inventoryDb.url,
      CALLER_SIGNING_KEY: key,
      GATEWAY_URL: gateway,
      LOG_LEVEL: 'info',
    });
    extra.push(started.proc);
    return started.proc;
  };
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const { body } = await postGraphQL(gatewayUrl, query, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const fastRelay = (): Relay =>
    createRelay({
      system: 'inventory',
      db: inventory,
      gatewayUrl,
      handlers: inventoryOutboxHandlers,
      headers: relayServiceHeaders('inventory', key),
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      maxAttempts: 1_000,
      pollIntervalMs: 50,
    });
  const task = (id: string) => inventory.selectFrom('countTasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const book = async (materialId: string) =>
    (
      await erp
        .selectFrom('materialSites')
        .select('bookQuantity')
        .where('materialId', '=', materialId)
        .where('siteId', '=', 'S01')
        .executeTakeFirstOrThrow()
    ).bookQuantity;
  const adjustments = (taskId: string) =>
    erp.selectFrom('inventoryAdjustments').selectAll().where('sourceCountTaskId', '=', taskId).execute();
  const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 45_000) => {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** Takes fresh SCHEDULED tasks to PENDING_APPROVAL, counted at the book plus 0.5 % (within every class's tolerance). */
  const used = new Set<string>();
  const countsAwaitingApproval = async (n: number) => {
    const rows = await inventory
      .selectFrom('countTasks')
      .select(['id', 'materialId'])
      .where('status', '=', 'SCHEDULED')
      .orderBy('id', 'desc')
      .limit(3 * n + used.size)
      .execute();
    const picked: typeof rows = [];
    for (const row of rows) {
      // A book of at least 10 moves visibly by 0.5 % at three decimals.
      if (picked.length < n && !used.has(row.id) && (await book(row.materialId)) >= 10) picked.push(row);
    }
    const relay = fastRelay();
    for (const t of picked) {
      used.add(t.id);
      const counted = Math.round((await book(t.materialId)) * 1.005 * 1000) / 1000;
      await gql(`mutation ($id: ID!, $q: Float!) { submitCount(taskId: $id, countedQuantity: $q, countedBy: "ana.ruiz") { id } }`, {
        id: t.id,
        q: counted,
      });
    }
    await relay.drain();
    const judged = await inventory
      .selectFrom('countTasks')
      .select(['id', 'status', 'countedQuantity'])
      .where(
        'id',
        'in',
        picked.map((t) => t.id),
      )
      .execute();
    expect(judged.map((t) => t.status)).toEqual(picked.map(() => 'PENDING_APPROVAL'));
    return picked.map((t) => ({ ...t, counted: judged.find((j) => j.id === t.id)!.countedQuantity! }));
  };

  beforeAll(async () => {
    [erpDb, inventoryDb] = await Promise.all([
      createTestDatabase(erpSystem, { seed: true }),
      createTestDatabase(inventorySystem, { seed: true }),
    ]);
    erp = erpDb.database.db;
    inventory = inventoryDb.database.db;
    await startErp();
    inventoryServer = await createSystemServer(inventorySystem, inventoryDb.database);
    const inventoryUrl = await listenOnFreePort(inventoryServer.httpServer);
    const { files } = await composeGraph([erpSystem, inventorySystem]);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      subgraphUrls: { erp: `http://127.0.0.1:${erpPort}/graphql`, inventory: inventoryUrl },
      logger: createLogger('exchange-gateway', { LOG_LEVEL: 'silent' }),
    });
    gatewayUrl = await listenOnFreePort(gateway.httpServer);
    proxy = await startRelayProxy(() => gatewayUrl);
  }, 120_000);

  afterAll(async () => {
    for (const p of extra) await p.stop('SIGKILL');
    await erpProcess?.stop();
    await proxy?.close();
    await gateway?.stop();
    await inventoryServer?.stop();
    await erpDb?.drop();
    await inventoryDb?.drop();
  });

  it('keeps an approved count waiting while ERP is down, and posts it exactly once when ERP is back', async () => {
    const [count] = await countsAwaitingApproval(1);
    const { id, materialId, counted } = count!;
    const bookBefore = await book(materialId);

    await erpProcess.stop();
    const approved = await gql(`mutation ($id: ID!) { approveCount(taskId: $id, approver: "inventory.controller") { ${TASK} } }`, { id });
    expect(approved.approveCount).toMatchObject({ status: 'APPROVED', erpDocumentNumber: null });

    const relay = fastRelay();
    relay.start();
    try {
      const asked = async () => (await gql(`query ($id: ID!) { countTask(id: $id) { ${TASK} } }`, { id })).countTask;
      await waitUntil('three failed attempts', async () => ((await asked())?.delivery.attempts ?? 0) >= 3);
      const waiting = await asked();
      expect(waiting).toMatchObject({ status: 'APPROVED', erpDocumentNumber: null, delivery: { status: 'PENDING' } });
      expect(waiting.delivery.lastError).toMatch(/\S/);
      expect(await task(id)).toMatchObject({ status: 'APPROVED' });

      await startErp(erpPort);
      await waitUntil('the count to be posted', async () => (await task(id)).status === 'POSTED');
    } finally {
      await relay.stop();
    }
    const posted = await task(id);
    const [adjustment, ...more] = await adjustments(id);
    expect(more).toHaveLength(0);
    expect(adjustment!.documentNumber).toBe(posted.erpDocumentNumber);
    expect(adjustment!.quantityDelta).toBeCloseTo(counted - bookBefore, 3);
    expect(await book(materialId)).toBeCloseTo(counted, 3);
  }, 120_000);

  it('re-sends a command whose relay was killed after sending it, and ERP posts it once', async () => {
    const [count] = await countsAwaitingApproval(1);
    const { id, materialId, counted } = count!;
    const bookBefore = await book(materialId);
    const adjustmentKey = `count-task:${id}:adjustment`;

    const replica = await startInventoryReplica(proxy.url);
    proxy.killAfterAnswer = { key: adjustmentKey, victim: replica };
    await gql(`mutation ($id: ID!) { approveCount(taskId: $id, approver: "inventory.controller") { id } }`, { id });
    await waitUntil('the relay to be killed', async () => replica.child.exitCode !== null || replica.child.signalCode !== null);

    // ERP has posted, but inventory never recorded it: the command is still pending, the task still APPROVED.
    expect(await adjustments(id)).toHaveLength(1);
    expect(await book(materialId)).toBeCloseTo(counted, 3);
    expect(await task(id)).toMatchObject({ status: 'APPROVED', erpDocumentNumber: null });
    const pending = await inventory
      .selectFrom('outboxCommands')
      .selectAll()
      .where('idempotencyKey', '=', adjustmentKey)
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ status: 'PENDING', attempts: 0, deliveredAt: null });

    const restarted = await startInventoryReplica(proxy.url);
    await waitUntil('the count to be posted after the restart', async () => (await task(id)).status === 'POSTED');
    await restarted.stop();

    expect(proxy.sent.get(adjustmentKey)).toBe(2);
    const all = await adjustments(id);
    expect(all).toHaveLength(1);
    expect((await task(id)).erpDocumentNumber).toBe(all[0]!.documentNumber);
    expect(all[0]!.quantityDelta).toBeCloseTo(counted - bookBefore, 3);
    expect(await book(materialId)).toBeCloseTo(counted, 3);
  }, 120_000);

  it('two relay processes at once deliver each command once', async () => {
    const counts = await countsAwaitingApproval(12);
    const books = new Map(await Promise.all(counts.map(async (c) => [c.id, await book(c.materialId)] as const)));
    const replicas = await Promise.all([startInventoryReplica(proxy.url), startInventoryReplica(proxy.url)]);
    for (const c of counts)
      await gql(`mutation ($id: ID!) { approveCount(taskId: $id, approver: "inventory.controller") { id } }`, { id: c.id });
    const ids = counts.map((c) => c.id);
    await waitUntil('all counts to be posted', async () =>
      (await inventory.selectFrom('countTasks').select('status').where('id', 'in', ids).execute()).every((t) => t.status === 'POSTED'),
    );
    await Promise.all(replicas.map((r) => r.stop()));

    for (const c of counts) {
      expect(proxy.sent.get(`count-task:${c.id}:adjustment`)).toBe(1);
      expect(proxy.sent.get(`count-task:${c.id}:book-at-approval`)).toBe(1);
      expect(await adjustments(c.id)).toHaveLength(1);
      expect(await book(c.materialId)).toBeCloseTo(c.counted, 3);
      expect(books.get(c.id)).not.toBeCloseTo(c.counted, 3);
    }
    const commands = await inventory
      .selectFrom('outboxCommands')
      .select(['status', 'attempts'])
      .where(
        'subject',
        'in',
        ids.map((id) => `CountTask:${id}`),
      )
      .execute();
    expect(commands.every((c) => c.status === 'DELIVERED' && c.attempts === 1)).toBe(true);
    // Both replicas did part of the work.
    const delivered = replicas.map((r) => (r.output().match(/outbox: delivered/g) ?? []).length);
    expect(delivered.every((n) => n > 0)).toBe(true);
  }, 120_000);
});
