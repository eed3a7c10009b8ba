import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { composeGraph } from '../../cli/compose';
import { createGatewayServer, type GatewayServer } from '../../gateway/server';
import { createLogger } from '../../platform/logger';
import type { ErpDatabase } from '../../subgraphs/erp/db';
import { erpSystem } from '../../subgraphs/erp/server';
import { approveCount, submitCount } from '../../subgraphs/inventory/count-task/count-task.use-cases';
import type { InventoryDatabase } from '../../subgraphs/inventory/db';
import { inventorySystem } from '../../subgraphs/inventory/server';
import type { SubgraphServer } from '../../subgraphs/kit/server';
import { createSystemServer } from '../../subgraphs/kit/system';
import type { QualityDatabase } from '../../subgraphs/quality/db';
import { placeQualityHold, releaseQualityHold } from '../../subgraphs/quality/hold/hold.use-cases';
import { qualitySystem } from '../../subgraphs/quality/server';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { startSubgraphProcess, type NodeProcess } from '../support/processes';
import { listenOnFreePort, postGraphQL, staticSupergraph } from '../support/stack';

/**
 * Fault tests of the hand-off from quality and inventory to ERP, on real processes: ERP, two
 * quality and two inventory subgraph processes (each runs its outbox relay), and a gateway. The
 * relays use a short backoff (100 ms doubling to 2 s) so that an ERP outage of FAULT_ERP_DOWN_MS
 * (default 45 s) stands in for minutes; the retry budget is the default 500 attempts.
 */
const ERP_DOWN_MS = Number(process.env.FAULT_ERP_DOWN_MS ?? 45_000);
const RELAY_ENV = { OUTBOX_RETRY_BASE_MS: '100', OUTBOX_RETRY_MAX_MS: '2000' };

/** A pass-through between the relays and the gateway that counts what is sent per idempotency key, and can slow it. */
interface CountingProxy {
  readonly url: string;
  readonly sent: Map<string, number>;
  delayMs: number;
  close(): Promise<void>;
}

async function startCountingProxy(target: () => string): Promise<CountingProxy> {
  const sent = new Map<string, number>();
  const state = { delayMs: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      sent.set(key, (sent.get(key) ?? 0) + 1);
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(name))
          headers[name] = value;
      }
      try {
        const answer = await fetch(target(), { method: 'POST', headers, body: Buffer.concat(chunks) });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(await answer.text());
      } catch {
        req.socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

interface HoldPlan {
  lotId: string;
  materialId: string;
  siteId: string;
  quantity: number;
}

describe('hand-off to ERP through faults: terminated PostgreSQL backends, ERP down for a long while, two relays per system', () => {
  let erpDb: TestDatabase<ErpDatabase>;
  let qualityDb: TestDatabase<QualityDatabase>;
  let inventoryDb: TestDatabase<InventoryDatabase>;
  let erp: Kysely<ErpDatabase>;
  let quality: Kysely<QualityDatabase>;
  let inventory: Kysely<InventoryDatabase>;
  let erpProcess: NodeProcess;
  let erpPort: number;
  let inventoryServer: SubgraphServer;
  let gateway: GatewayServer;
  let gatewayUrl: string;
  let proxy: CountingProxy;
  const relays: NodeProcess[] = [];
  const key = process.env.CALLER_SIGNING_KEY!;
  const figures: Record<string, unknown> = { erpDownMs: ERP_DOWN_MS, relayBackoff: '100 ms doubling to 2 s, 500 attempts' };

  const startErp = async (port = 0) => {
    const started = await startSubgraphProcess('erp', { PORT: String(port), DATABASE_URL: erpDb.url, CALLER_SIGNING_KEY: key });
    erpProcess = started.proc;
    erpPort = started.port;
  };
  const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
    const started = Date.now();
    for (;;) {
      // A query may meet a connection the fault phase has just cut: ask again.
      if (await check().catch(() => false)) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const unwrapOk = <T>(outcome: { ok: true; value: T } | { ok: false }): T => {
    if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome)}`);
    return outcome.value;
  };
  const blocked = async (materialId: string, siteId: string) =>
    (
      await erp
        .selectFrom('materialSites')
        .select('blockedQuantity')
        .where('materialId', '=', materialId)
        .where('siteId', '=', siteId)
        .executeTakeFirstOrThrow()
    ).blockedQuantity;
  const book = async (materialId: string) =>
    (
      await erp
        .selectFrom('materialSites')
        .select('bookQuantity')
        .where('materialId', '=', materialId)
        .where('siteId', '=', 'S01')
        .executeTakeFirstOrThrow()
    ).bookQuantity;

  /** Lots quality knows, with no open hold, whose material-site has room to block them: one per material. */
  const usedMaterials = new Set<string>();
  const freeLots = async (n: number): Promise<HoldPlan[]> => {
    const candidates = await quality
      .selectFrom('inspections')
      .select(['lotId', 'materialId', 'siteId', 'lotQuantity'])
      .where('lotId', 'not in', (eb) => eb.selectFrom('qualityHolds').select('lotId'))
      .orderBy('lotId')
      .limit(400)
      .execute();
    const picked: HoldPlan[] = [];
    for (const c of candidates) {
      if (picked.length === n) break;
      if (usedMaterials.has(c.materialId) || picked.some((p) => p.lotId === c.lotId)) continue;
      const site = await erp
        .selectFrom('materialSites')
        .select(['bookQuantity', 'blockedQuantity'])
        .where('materialId', '=', c.materialId)
        .where('siteId', '=', c.siteId)
        .executeTakeFirst();
      if (!site || site.bookQuantity - site.blockedQuantity < c.lotQuantity || c.lotQuantity <= 0) continue;
      usedMaterials.add(c.materialId);
      picked.push({ lotId: c.lotId, materialId: c.materialId, siteId: c.siteId, quantity: c.lotQuantity });
    }
    expect(picked).toHaveLength(n);
    return picked;
  };
  /** Fresh scheduled counts of materials nothing else touches, submitted at the book + 0.5 % and judged (PENDING_APPROVAL). */
  const judgedCounts = async (n: number) => {
    const rows = await inventory
      .selectFrom('countTasks')
      .select(['id', 'materialId'])
      .where('status', '=', 'SCHEDULED')
      .where('siteId', '=', 'S01')
      .orderBy('id')
      .limit(200)
      .execute();
    const picked: { id: string; materialId: string; counted: number }[] = [];
    for (const row of rows) {
      if (picked.length === n) break;
      if (usedMaterials.has(row.materialId)) continue;
      const before = await book(row.materialId);
      if (before < 10) continue;
      usedMaterials.add(row.materialId);
      const counted = Math.round(before * 1.005 * 1000) / 1000;
      unwrapOk(await submitCount(inventory, row.id, counted, 'ana.ruiz'));
      picked.push({ id: row.id, materialId: row.materialId, counted });
    }
    expect(picked).toHaveLength(n);
    await waitUntil('the counts to be judged', async () =>
      (
        await inventory
          .selectFrom('countTasks')
          .select('status')
          .where(
            'id',
            'in',
            picked.map((p) => p.id),
          )
          .execute()
      ).every((t) => t.status === 'PENDING_APPROVAL'),
    );
    return picked;
  };
  const outboxes = async () => [
    ...(await quality.selectFrom('outboxCommands').select(['idempotencyKey', 'status', 'attempts']).execute()),
    ...(await inventory.selectFrom('outboxCommands').select(['idempotencyKey', 'status', 'attempts']).execute()),
  ];
  const allDelivered = async () => (await outboxes()).every((c) => c.status === 'DELIVERED');
  const everyRelayAlive = () =>
    relays.every((r) => r.child.exitCode === null && r.child.signalCode === null) && erpProcess.child.exitCode === null;

  /** Sent, applied, re-sent and lost over the commands with the given keys. */
  const tally = async (keys: string[], effects: () => Promise<Map<string, number>>) => {
    const applied = await effects();
    const sent = keys.reduce((sum, k) => sum + (proxy.sent.get(k) ?? 0), 0);
    return {
      commands: keys.length,
      sent,
      resent: sent - keys.filter((k) => proxy.sent.has(k)).length,
      applied: keys.filter((k) => (applied.get(k) ?? 0) === 1).length,
      duplicates: keys.filter((k) => (applied.get(k) ?? 0) > 1).length,
      lost: keys.filter((k) => !applied.has(k)).length,
    };
  };
  /** Effects in ERP per idempotency key: stock status postings per hold and direction, adjustments per count. */
  const erpEffects = async () => {
    const effects = new Map<string, number>();
    for (const row of await erp.selectFrom('stockStatusChanges').select(['sourceHoldId', 'toStatus']).execute()) {
      const k = `QualityHold:${row.sourceHoldId}:${row.toStatus}`;
      effects.set(k, (effects.get(k) ?? 0) + 1);
    }
    for (const row of await erp
      .selectFrom('inventoryAdjustments')
      .select('sourceCountTaskId')
      .where('sourceCountTaskId', 'is not', null)
      .execute()) {
      const k = `count-task:${row.sourceCountTaskId}:adjustment`;
      effects.set(k, (effects.get(k) ?? 0) + 1);
    }
    return effects;
  };
  const holdKeys = (holds: { id: string }[], directions: string[]) =>
    holds.flatMap((h) => directions.map((d) => `QualityHold:${h.id}:${d}`));

  beforeAll(async () => {
    [erpDb, qualityDb, inventoryDb] = await Promise.all([
      createTestDatabase(erpSystem, { seed: true }),
      createTestDatabase(qualitySystem, { seed: true }),
      createTestDatabase(inventorySystem, { seed: true }),
    ]);
    erp = erpDb.database.db;
    quality = qualityDb.database.db;
    inventory = inventoryDb.database.db;
    // Seeded commands are not part of what is measured.
    await quality.deleteFrom('outboxCommands').execute();
    await inventory.deleteFrom('outboxCommands').execute();
    await startErp();
    inventoryServer = await createSystemServer(inventorySystem, inventoryDb.database);
    const inventoryUrl = await listenOnFreePort(inventoryServer.httpServer);
    const { files } = await composeGraph([erpSystem, inventorySystem]);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      subgraphUrls: { erp: `http://127.0.0.1:${erpPort}/graphql`, inventory: inventoryUrl },
      logger: createLogger('handoff-gateway', { LOG_LEVEL: 'silent' }),
    });
    gatewayUrl = await listenOnFreePort(gateway.httpServer);
    proxy = await startCountingProxy(() => gatewayUrl);
    for (const [system, database] of [
      ['quality', qualityDb],
      ['quality', qualityDb],
      ['inventory', inventoryDb],
      ['inventory', inventoryDb],
    ] as const) {
      const started = await startSubgraphProcess(system, {
        DATABASE_URL: database.url,
        CALLER_SIGNING_KEY: key,
        GATEWAY_URL: proxy.url,
        ...RELAY_ENV,
      });
      relays.push(started.proc);
    }
  }, 180_000);

  afterAll(async () => {
    if (process.env.FAULT_FIGURES_FILE) writeFileSync(process.env.FAULT_FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
    for (const r of relays) await r.stop();
    await erpProcess?.stop();
    await proxy?.close();
    await gateway?.stop();
    await inventoryServer?.stop();
    await Promise.all([erpDb?.drop(), qualityDb?.drop(), inventoryDb?.drop()]);
  });

  it('keeps every process alive and delivers every command once while PostgreSQL backends are terminated mid-delivery', async () => {
    const lots = await freeLots(8);
    const counts = await judgedCounts(4);
    const before = new Map(await Promise.all(lots.map(async (l) => [l.lotId, await blocked(l.materialId, l.siteId)] as const)));
    proxy.delayMs = 150; // deliveries are in flight, each relay holding its transaction, when the backends go
    const holds = [];
    for (const lot of lots) {
      const hold = unwrapOk(await placeQualityHold(quality, lot.lotId, 'Fault test: suspect batch'));
      holds.push(hold);
      // Half the holds are released at once: block and release wait in the outbox together.
      if (holds.length % 2 === 0) unwrapOk(await releaseQualityHold(quality, hold.id, 'Fault test: re-inspected, fine'));
    }
    for (const c of counts) unwrapOk(await approveCount(inventory, c.id, 'inventory.controller'));

    const admin = new pg.Client({ connectionString: erpDb.url });
    admin.on('error', () => undefined);
    await admin.connect();
    let terminated = 0;
    const started = Date.now();
    try {
      while (Date.now() - started < 6_000) {
        const { rowCount } = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = any($1) and pid <> pg_backend_pid()`,
          [[erpDb.name, qualityDb.name, inventoryDb.name]],
        );
        terminated += rowCount ?? 0;
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await admin.end();
    }
    proxy.delayMs = 0;
    const drainMs = await waitUntil('every command to be delivered', allDelivered, 90_000);

    expect(everyRelayAlive()).toBe(true);
    for (const r of [...relays, erpProcess]) expect(r.output()).not.toMatch(/uncaught|unhandled/i);
    expect(relays.some((r) => /database connection lost/.test(r.output()))).toBe(true);

    const released = holds.filter((_, i) => i % 2 === 1);
    const open = holds.filter((_, i) => i % 2 === 0);
    const keys = [
      ...holdKeys(holds, ['BLOCKED']),
      ...holdKeys(released, ['UNRESTRICTED']),
      ...counts.map((c) => `count-task:${c.id}:adjustment`),
    ];
    const result = await tally(keys, erpEffects);
    expect(result).toMatchObject({ applied: keys.length, duplicates: 0, lost: 0 });
    for (const [i, lot] of lots.entries()) {
      const expected = (before.get(lot.lotId) ?? 0) + (open.includes(holds[i]!) ? lot.quantity : 0);
      expect(await blocked(lot.materialId, lot.siteId)).toBeCloseTo(expected, 3);
    }
    for (const c of counts) expect(await book(c.materialId)).toBeCloseTo(c.counted, 3);
    figures.terminatedBackends = { ...result, backendsTerminated: terminated, drainAfterFaultsMs: drainMs };
    // Leave the lots as they were for the next test: release the holds still open.
    for (const hold of open) unwrapOk(await releaseQualityHold(quality, hold.id, 'Fault test: done'));
    await waitUntil('the releases', allDelivered);
  }, 150_000);

  it('rides out ERP being down while holds and counts flow: nothing parked, books and stock statuses exact afterwards', async () => {
    const lotsBefore = await freeLots(4); // placed before the outage, released during it
    const lotsDuring = await freeLots(8); // placed during the outage; half released during it too
    const counts = await judgedCounts(4); // approved during the outage
    const all = [...lotsBefore, ...lotsDuring];
    const before = new Map(await Promise.all(all.map(async (l) => [l.lotId, await blocked(l.materialId, l.siteId)] as const)));
    const early = [];
    for (const lot of lotsBefore) early.push(unwrapOk(await placeQualityHold(quality, lot.lotId, 'Fault test: before the outage')));
    await waitUntil('the early blocks', allDelivered);

    await erpProcess.stop();
    const outageStarted = Date.now();
    for (const hold of early) unwrapOk(await releaseQualityHold(quality, hold.id, 'Fault test: released while ERP is down'));
    const during = [];
    for (const [i, lot] of lotsDuring.entries()) {
      const hold = unwrapOk(await placeQualityHold(quality, lot.lotId, 'Fault test: during the outage'));
      during.push(hold);
      if (i % 2 === 0) unwrapOk(await releaseQualityHold(quality, hold.id, 'Fault test: placed and released while ERP is down'));
    }
    for (const c of counts) unwrapOk(await approveCount(inventory, c.id, 'inventory.controller'));
    while (Date.now() - outageStarted < ERP_DOWN_MS) {
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await outboxes()).filter((c) => c.status === 'PARKED')).toEqual([]);
    }
    const waiting = (await outboxes()).filter((c) => c.status === 'PENDING');
    const attemptsDuringOutage = Math.max(...waiting.map((c) => c.attempts));
    expect(waiting.length).toBeGreaterThan(0);

    await startErp(erpPort);
    // The gateway's breaker for ERP is open by now: its probes find ERP back within seconds.
    const whole = waitUntil('a whole answer from ERP through the gateway', async () => {
      const { body } = await postGraphQL(gatewayUrl, '{ material(id: "M000001") { id } }');
      return !body.errors && body.data?.material?.id === 'M000001';
    });
    const drainMs = await waitUntil('every command to be delivered after ERP is back', allDelivered, 60_000);
    const wholeMs = await whole; // measured from ERP listening again
    expect(everyRelayAlive()).toBe(true);
    expect((await outboxes()).filter((c) => c.status === 'PARKED')).toEqual([]);

    const releasedDuring = during.filter((_, i) => i % 2 === 0);
    const openDuring = during.filter((_, i) => i % 2 === 1);
    const keys = [
      ...holdKeys(early, ['BLOCKED', 'UNRESTRICTED']),
      ...holdKeys(during, ['BLOCKED']),
      ...holdKeys(releasedDuring, ['UNRESTRICTED']),
      ...counts.map((c) => `count-task:${c.id}:adjustment`),
    ];
    const result = await tally(keys, erpEffects);
    expect(result).toMatchObject({ applied: keys.length, duplicates: 0, lost: 0 });
    // Stock statuses in ERP's own database: blocked only what the still-open holds block.
    for (const lot of lotsBefore) expect(await blocked(lot.materialId, lot.siteId)).toBeCloseTo(before.get(lot.lotId)!, 3);
    for (const [i, lot] of lotsDuring.entries()) {
      const expected = before.get(lot.lotId)! + (openDuring.includes(during[i]!) ? lot.quantity : 0);
      expect(await blocked(lot.materialId, lot.siteId)).toBeCloseTo(expected, 3);
    }
    // Every hold blocked then released in that order, each change once, the release moving what the block moved.
    for (const hold of [...early, ...releasedDuring]) {
      const changes = await erp
        .selectFrom('stockStatusChanges')
        .select(['toStatus', 'quantity', 'documentNumber'])
        .where('sourceHoldId', '=', hold.id)
        .orderBy('documentNumber')
        .execute();
      expect(changes.map((c) => c.toStatus)).toEqual(['BLOCKED', 'UNRESTRICTED']);
      expect(changes[1]!.quantity).toBeCloseTo(changes[0]!.quantity, 3);
      expect(changes[0]!.quantity).toBeGreaterThan(0);
    }
    for (const c of counts) expect(await book(c.materialId)).toBeCloseTo(c.counted, 3);
    // Quality shows ERP's documents for every hold.
    const shown = await quality
      .selectFrom('qualityHolds')
      .select(['id', 'erpBlockDocument', 'erpReleaseDocument'])
      .where(
        'id',
        'in',
        [...early, ...during].map((h) => h.id),
      )
      .execute();
    for (const h of shown) expect(h.erpBlockDocument).toMatch(/\S/);
    figures.erpDown = {
      ...result,
      maxAttemptsDuringOutage: attemptsDuringOutage,
      parked: 0,
      drainAfterErpBackMs: drainMs,
      wholeAnswerAfterErpBackMs: wholeMs,
    };
    expect(wholeMs).toBeLessThan(10_000);
  }, 240_000);
});
