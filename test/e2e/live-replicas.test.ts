import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { composeGraph } from '../../cli/compose';
import { SYSTEM_NAMES } from '../../platform/systems';
import { erpSystem } from '../../subgraphs/erp/server';
import { mesSystem } from '../../subgraphs/mes/server';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { runNode, startSubgraphProcess, type NodeProcess } from '../support/processes';
import { postGraphQL, testToken } from '../support/stack';
import { Inbox } from '../support/inbox';
import { TEST_REDIS_URL, testRedis } from '../support/redis';

const REDIS_URL = TEST_REDIS_URL;

const WORK_CENTER_CHANGED = 'subscription { workCenterStateChanged(siteId: "S01") { id state stateReasonCode } }';

describe('live subscriptions on real processes: two gateway replicas sharing Redis, MES and ERP each in its own process', () => {
  const channel = `plantgraph:changes:test:${randomBytes(4).toString('hex')}`;
  let available = false;
  let dir: string;
  let erpDb: TestDatabase;
  let mesDb: TestDatabase;
  const processes: NodeProcess[] = [];
  const gateways: { proc: NodeProcess; url: string }[] = [];

  beforeAll(async () => {
    available = (await testRedis('fan-out across replicas')) !== undefined;
    if (!available) return;
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-live-'));
    const supergraph = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraph, (await composeGraph([erpSystem, mesSystem])).files['supergraph.graphql']!);
    erpDb = await createTestDatabase(erpSystem, { seed: true });
    mesDb = await createTestDatabase(mesSystem, { seed: true });
    const shared = { REDIS_URL, CHANGE_EVENTS_CHANNEL: channel };
    const erp = await startSubgraphProcess('erp', { ...shared, DATABASE_URL: erpDb.url });
    const mes = await startSubgraphProcess('mes', { ...shared, DATABASE_URL: mesDb.url });
    processes.push(erp.proc, mes.proc);
    const others = Object.fromEntries(
      SYSTEM_NAMES.filter((s) => s !== 'erp' && s !== 'mes').map((s) => [`${s.toUpperCase()}_URL`, undefined]),
    );
    for (let i = 0; i < 2; i++) {
      const proc = runNode('dist/gateway/main.js', {
        ...shared,
        ...others,
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: '0',
        SUPERGRAPH_PATH: supergraph,
        ERP_URL: erp.url,
        MES_URL: mes.url,
        DATABASE_URL: undefined,
        GATEWAY_DATABASE_URL: undefined,
        USAGE: 'off',
      });
      processes.push(proc);
      const [, url] = await proc.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)"[^\n]*"msg":"gateway listening"/);
      gateways.push({ proc, url: url! });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await erpDb?.drop();
    await mesDb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a work center’s change on both replicas (WebSocket on one, SSE on the other), then completes cleanly when a replica stops', async () => {
    if (!available) return;
    const token = await testToken({ roles: ['admin'] });
    const [a, b] = gateways as [(typeof gateways)[0], (typeof gateways)[0]];
    const overWs = new Inbox();
    const overSse = new Inbox();
    const wsClient = createWsClient({
      url: a.url.replace('http:', 'ws:'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const sseClient = createSseClient({ url: b.url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      wsClient.subscribe({ query: WORK_CENTER_CHANGED }, overWs.sink);
      sseClient.subscribe({ query: WORK_CENTER_CHANGED }, overSse.sink);
      await new Promise((r) => setTimeout(r, 1_000));

      const center = await (mesDb.database.db as any)
        .selectFrom('workCenters')
        .select(['id'])
        .where('siteId', '=', 'S01')
        .orderBy('id')
        .limit(1)
        .executeTakeFirstOrThrow();
      const reason = `TEST_${randomBytes(3).toString('hex').toUpperCase()}`;
      const changed = await postGraphQL(
        a.url,
        'mutation ($id: ID!, $reason: String) { setWorkCenterState(id: $id, state: DOWN, reasonCode: $reason) { id state } }',
        { id: center.id, reason },
        { authorization: `Bearer ${token}` },
      );
      expect(changed.body.errors).toBeUndefined();

      const expected = { id: center.id, state: 'DOWN', stateReasonCode: reason };
      for (const inbox of [overWs, overSse]) {
        await inbox.until('the change', () => inbox.results.some((r) => r.data?.workCenterStateChanged?.stateReasonCode === reason));
        const result = inbox.results.find((r) => r.data?.workCenterStateChanged?.stateReasonCode === reason)!;
        expect(result).toEqual({ data: { workCenterStateChanged: expected } });
      }

      // Replica B drains: its SSE subscriber gets a clean completion and B exits 0.
      const exit = b.proc.stop('SIGTERM');
      await overSse.until('completion on shutdown', () => overSse.completed || overSse.error !== undefined);
      expect(overSse.error).toBeUndefined();
      expect(await exit).toBe(0);
    } finally {
      await wsClient.dispose();
      sseClient.dispose();
    }
  });
});
