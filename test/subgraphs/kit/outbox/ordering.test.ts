import { sql, type Kysely, type Migration } from 'kysely';
import pg from 'pg';
import { registry } from '../../../../platform/metrics';
import { createDatabase, type Database } from '../../../../platform/db/database';
import { outboxMigration } from '../../../../subgraphs/kit/outbox/outbox.migration';
import { outboxOrderMigration } from '../../../../subgraphs/kit/outbox/outbox-order.migration';
import { enqueueCommand, retryParkedCommands, summarizeOutbox, type NewCommand } from '../../../../subgraphs/kit/outbox/outbox.repository';
import { createRelay, type OutboxHandlers, type RelayOptions } from '../../../../subgraphs/kit/outbox/relay';
import { retryBudgetFromEnv, shortestRetryWindowMs, DEFAULT_RETRY_BUDGET } from '../../../../subgraphs/kit/outbox/relay-config';
import type { SystemModule } from '../../../../subgraphs/kit/system';
import { createTestDatabase, type TestDatabase } from '../../../support/databases';
import { startRecordingTarget, type RecordingTarget } from './target';

interface TestDb {
  outboxCommands: import('../../../../subgraphs/kit/outbox/outbox.db').OutboxCommandTable;
  applied: { key: string };
}

const appliedMigration: Migration = {
  up: async (db: Kysely<any>) => {
    await db.schema
      .createTable('applied')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .execute();
  },
};
// The order migration runs on a table that already holds commands, as it does on a deployed system.
const system = {
  name: 'outboxorder',
  migrations: { '001_outbox': outboxMigration, '002_applied': appliedMigration },
} as unknown as SystemModule<TestDb>;

const record = (key: string, subject: string | null, type = 'test.record'): NewCommand => ({
  idempotencyKey: key,
  type,
  targetSystem: 'target',
  subject,
  document: 'mutation Record($key: String!) { record(key: $key) }',
  variables: { key },
});

const handlers: OutboxHandlers<TestDb> = {
  'test.record': {
    async onDelivered(trx, command) {
      await trx.insertInto('applied').values({ key: command.idempotencyKey }).execute();
    },
  },
};

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

describe('outbox: one subject in order, bulk retry, lost connections', () => {
  let testDb: TestDatabase<TestDb>;
  let db: Kysely<TestDb>;
  let target: RecordingTarget;
  const options = (overrides: Partial<RelayOptions<TestDb>> = {}): RelayOptions<TestDb> => ({
    system: 'outboxorder',
    db,
    gatewayUrl: target.url,
    handlers,
    baseDelayMs: 1,
    maxDelayMs: 5,
    pollIntervalMs: 20,
    ...overrides,
  });
  const arrivals = () => [...target.received.keys()];
  let numberedByMigration: { idempotencyKey: string; seq: number }[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase(system);
    db = testDb.database.db;
    await enqueueCommand(db, record('before-migration-1', 'Old:1'));
    await enqueueCommand(db, record('before-migration-2', 'Old:1'));
    await outboxOrderMigration.up(db as Kysely<any>);
    numberedByMigration = await db.selectFrom('outboxCommands').select(['idempotencyKey', 'seq']).orderBy('seq').execute();
    target = await startRecordingTarget();
  });
  afterAll(async () => {
    await target.close();
    await testDb.drop();
  });
  beforeEach(async () => {
    await db.deleteFrom('outboxCommands').execute();
    await db.deleteFrom('applied').execute();
    target.received.clear();
    target.delayMs = 0;
    target.failWith = undefined;
  });

  it('numbers commands written before the migration in their order, and later ones after them', async () => {
    expect(numberedByMigration).toEqual([
      { idempotencyKey: 'before-migration-1', seq: 1 },
      { idempotencyKey: 'before-migration-2', seq: 2 },
    ]);
    const a = await enqueueCommand(db, record('n1', 'X:1'));
    const b = await enqueueCommand(db, record('n2', 'X:1'));
    expect(b.seq).toBeGreaterThan(a.seq);
    expect(a.seq).toBeGreaterThan(2);
  });

  it('holds a command back while an earlier command of its subject waits in a longer backoff', async () => {
    await enqueueCommand(db, record('block', 'QualityHold:H1'));
    await enqueueCommand(db, record('release', 'QualityHold:H1'));
    await enqueueCommand(db, record('other', 'QualityHold:H2'));
    // The block failed and waits a minute; its release is due now.
    await db
      .updateTable('outboxCommands')
      .set({ nextAttemptAt: sql<Date>`now() + interval '1 minute'`, attempts: 3 })
      .where('idempotencyKey', '=', 'block')
      .execute();

    const relay = createRelay(options());
    expect(await relay.drain()).toBe(1);
    expect(arrivals()).toEqual(['other']);
    expect((await summarizeOutbox(db)).counts).toEqual({ PENDING: 2, DELIVERED: 1, PARKED: 0 });

    await db
      .updateTable('outboxCommands')
      .set({ nextAttemptAt: sql<Date>`now()` })
      .where('idempotencyKey', '=', 'block')
      .execute();
    expect(await relay.drain()).toBe(2);
    expect(arrivals()).toEqual(['other', 'block', 'release']);
  });

  it('lets the next command go when an earlier one of its subject is parked', async () => {
    await enqueueCommand(db, record('first', 'S:1'));
    await enqueueCommand(db, record('second', 'S:1'));
    await db.updateTable('outboxCommands').set({ status: 'PARKED' }).where('idempotencyKey', '=', 'first').execute();
    await createRelay(options()).drain();
    expect(arrivals()).toEqual(['second']);
  });

  it('two relays keep each subject in order and deliver every command once', async () => {
    const subjects = Array.from({ length: 12 }, (_, i) => `S:${i}`);
    await db.transaction().execute(async (trx) => {
      for (let step = 0; step < 4; step++) for (const subject of subjects) await enqueueCommand(trx, record(`${subject}#${step}`, subject));
    });
    target.delayMs = 5;
    const second: Database<TestDb> = createDatabase('outboxorder', testDb.url);
    try {
      const [a, b] = await Promise.all([createRelay(options()).drain(), createRelay(options({ db: second.db })).drain()]);
      expect(a + b).toBe(48);
    } finally {
      await second.close();
    }
    expect([...target.received.values()].every((n) => n === 1)).toBe(true);
    for (const subject of subjects) {
      expect(arrivals().filter((key) => key.startsWith(`${subject}#`))).toEqual([0, 1, 2, 3].map((step) => `${subject}#${step}`));
    }
  });

  it('sends what waits for a target in backoff as soon as one delivery to it succeeds again', async () => {
    await enqueueCommand(db, record('w1', 'A:1'));
    await enqueueCommand(db, record('w2', 'B:1'));
    await db
      .updateTable('outboxCommands')
      .set({ attempts: 4, nextAttemptAt: sql<Date>`now() + interval '1 minute'` })
      .where('idempotencyKey', '=', 'w2')
      .execute();
    await db.updateTable('outboxCommands').set({ attempts: 4 }).where('idempotencyKey', '=', 'w1').execute();
    expect(await createRelay(options()).drain()).toBe(2);
    expect(arrivals()).toEqual(['w1', 'w2']);
  });

  it('retries every parked command of the outbox at once, or those of one type', async () => {
    for (const key of ['p1', 'p2', 'p3']) await enqueueCommand(db, record(key, `P:${key}`, key === 'p3' ? 'test.other' : 'test.record'));
    await db.updateTable('outboxCommands').set({ status: 'PARKED', attempts: 10 }).execute();
    expect((await retryParkedCommands(db, { type: 'test.other' })).map((c) => c.idempotencyKey)).toEqual(['p3']);
    const retried = await retryParkedCommands(db);
    expect(retried.map((c) => [c.idempotencyKey, c.status, c.attempts])).toEqual([
      ['p1', 'PENDING', 0],
      ['p2', 'PENDING', 0],
    ]);
    expect(await retryParkedCommands(db)).toEqual([]);
    const summary = await summarizeOutbox(db);
    expect(summary.counts).toEqual({ PENDING: 3, DELIVERED: 0, PARKED: 0 });
    expect(summary.oldestPending).toMatchObject({ attempts: 0 });
  });

  it('survives its connection being terminated in the middle of a delivery, and delivers the command once', async () => {
    const relayDb: Database<TestDb> = createDatabase('outboxorder', testDb.url);
    const lostBefore = await metric('plantgraph_db_connection_errors_total', { system: 'outboxorder' });
    const failedBefore = await metric('plantgraph_outbox_relay_failures_total', { system: 'outboxorder' });
    const admin = new pg.Client({ connectionString: testDb.url });
    await admin.connect();
    const relay = createRelay(options({ db: relayDb.db }));
    try {
      await enqueueCommand(db, record('cut', 'C:1'));
      target.delayMs = 400; // the relay holds its transaction open while the target answers
      relay.start();
      // The request has reached the target (which answers in 400 ms): the relay's connection is idle in its transaction.
      for (let i = 0; i < 200 && !target.headers.some((h) => h['idempotency-key'] === 'cut'); i++)
        await new Promise((r) => setTimeout(r, 5));
      let terminated = 0;
      for (let i = 0; i < 200 && terminated === 0; i++) {
        const { rowCount } = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and state = 'idle in transaction'`,
        );
        terminated = rowCount ?? 0;
        if (terminated === 0) await new Promise((r) => setTimeout(r, 5));
      }
      expect(terminated).toBe(1);
      target.delayMs = 0;
      for (let i = 0; i < 200; i++) {
        const row = await db.selectFrom('outboxCommands').select('status').where('idempotencyKey', '=', 'cut').executeTakeFirst();
        if (row?.status === 'DELIVERED') break;
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await relay.stop();
      await relayDb.close();
      await admin.end();
    }
    expect(await db.selectFrom('outboxCommands').select(['status', 'attempts']).execute()).toEqual([{ status: 'DELIVERED', attempts: 1 }]);
    expect(await db.selectFrom('applied').selectAll().execute()).toEqual([{ key: 'cut' }]);
    expect(target.received.get('cut')).toBe(2); // sent again after the cut; the target's key makes it one effect
    expect(await metric('plantgraph_db_connection_errors_total', { system: 'outboxorder' })).toBeGreaterThan(lostBefore);
    expect(await metric('plantgraph_outbox_relay_failures_total', { system: 'outboxorder' })).toBeGreaterThan(failedBefore);
  });

  it('reports pending and parked commands of a running relay as plantgraph_outbox_commands', async () => {
    await enqueueCommand(db, record('g1', 'G:1'));
    await enqueueCommand(db, record('g2', 'G:2'));
    await enqueueCommand(db, record('g3', 'G:3'));
    await db.updateTable('outboxCommands').set({ status: 'PARKED' }).where('idempotencyKey', '=', 'g3').execute();
    await db
      .updateTable('outboxCommands')
      .set({ nextAttemptAt: sql<Date>`now() + interval '1 hour'` })
      .execute();
    const relay = createRelay(options());
    relay.start();
    try {
      expect(await metric('plantgraph_outbox_commands', { system: 'outboxorder', status: 'PENDING' })).toBe(2);
      expect(await metric('plantgraph_outbox_commands', { system: 'outboxorder', status: 'PARKED' })).toBe(1);
    } finally {
      await relay.stop();
    }
    const values = (await registry.getSingleMetric('plantgraph_outbox_commands')!.get()).values;
    expect(values.filter((v) => v.labels.system === 'outboxorder')).toEqual([]);
  });

  it('sizes the default retry budget to hours of an outage, and reads its variables', () => {
    expect(shortestRetryWindowMs(DEFAULT_RETRY_BUDGET)).toBeGreaterThan(4 * 3_600_000);
    expect(retryBudgetFromEnv({})).toEqual(DEFAULT_RETRY_BUDGET);
    expect(retryBudgetFromEnv({ OUTBOX_MAX_ATTEMPTS: '20', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '200' })).toEqual({
      maxAttempts: 20,
      baseDelayMs: 50,
      maxDelayMs: 200,
    });
    expect(() => retryBudgetFromEnv({ OUTBOX_MAX_ATTEMPTS: 'many', OUTBOX_RETRY_BASE_MS: '0' })).toThrow(
      'outbox relay: OUTBOX_MAX_ATTEMPTS must be a whole number of at least 1, got "many"; OUTBOX_RETRY_BASE_MS must be a whole number of at least 1, got "0"',
    );
    expect(() => retryBudgetFromEnv({ OUTBOX_RETRY_BASE_MS: '5000', OUTBOX_RETRY_MAX_MS: '100' })).toThrow(
      /OUTBOX_RETRY_MAX_MS \(100\) must not be below/,
    );
  });
});
