import { sql, type Kysely, type Migration } from 'kysely';
import { dbQueryCount } from '../../../../platform/metrics';
import { createDatabase, type Database } from '../../../../platform/db/database';
import { outboxMigration } from '../../../../subgraphs/kit/outbox/outbox.migration';
import { outboxOrderMigration } from '../../../../subgraphs/kit/outbox/outbox-order.migration';
import { enqueueCommand, findCommandById, retryParkedCommand, type NewCommand } from '../../../../subgraphs/kit/outbox/outbox.repository';
import {
  backoffDelay,
  createRelay,
  UnusableResultError,
  type OutboxHandlers,
  type RelayOptions,
} from '../../../../subgraphs/kit/outbox/relay';
import type { SystemModule } from '../../../../subgraphs/kit/system';
import { createTestDatabase, type TestDatabase } from '../../../support/databases';
import { startRecordingTarget, type RecordingTarget } from './target';

interface TestDb {
  outboxCommands: import('../../../../subgraphs/kit/outbox/outbox.db').OutboxCommandTable;
  applied: { key: string; result: number };
}

// The outbox table plus a table the handlers write, to see what commits with a delivery.
const appliedMigration: Migration = {
  up: async (db: Kysely<any>) => {
    await db.schema
      .createTable('applied')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('result', 'integer')
      .execute();
  },
};
const outboxTestSystem = {
  name: 'outboxtest',
  migrations: { '001_outbox': outboxMigration, '002_applied': appliedMigration, '003_outbox_order': outboxOrderMigration },
} as unknown as SystemModule<TestDb>;

const record = (key: string, subject?: string): NewCommand => ({
  idempotencyKey: key,
  type: 'test.record',
  targetSystem: 'target',
  subject: subject ?? null,
  document: 'mutation Record($key: String!) { record(key: $key) }',
  variables: { key },
});

const handlers: OutboxHandlers<TestDb> = {
  'test.record': {
    async onDelivered(trx, command, result) {
      const key = (command.variables as { key: string }).key;
      if (key.startsWith('explode')) throw new Error(`cannot apply ${key}`);
      if (key.startsWith('unusable')) throw new UnusableResultError(`nothing to apply for ${key}`);
      await trx
        .insertInto('applied')
        .values({ key, result: result.record as number })
        .execute();
    },
    async onParked(trx, command) {
      await trx
        .insertInto('applied')
        .values({ key: `parked:${command.idempotencyKey}`, result: -1 })
        .execute();
    },
  },
};

describe('outbox and relay', () => {
  let testDb: TestDatabase<TestDb>;
  let db: Kysely<TestDb>;
  let target: RecordingTarget;
  const relayOptions = (overrides: Partial<RelayOptions<TestDb>> = {}): RelayOptions<TestDb> => ({
    system: 'outboxtest',
    db,
    gatewayUrl: target.url,
    handlers,
    baseDelayMs: 1,
    maxDelayMs: 5,
    pollIntervalMs: 20,
    ...overrides,
  });
  const command = (key: string) => db.selectFrom('outboxCommands').selectAll().where('idempotencyKey', '=', key).executeTakeFirstOrThrow();

  beforeAll(async () => {
    testDb = await createTestDatabase(outboxTestSystem);
    db = testDb.database.db;
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

  it('enqueues with the state change: a rolled-back transaction leaves no command, a repeated key keeps one', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await enqueueCommand(trx, record('rolled-back'));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await db.selectFrom('outboxCommands').select('id').execute()).toHaveLength(0);

    const first = await db.transaction().execute((trx) => enqueueCommand(trx, record('k1')));
    const again = await db.transaction().execute((trx) => enqueueCommand(trx, { ...record('k1'), document: 'other' }));
    expect(again.id).toBe(first.id);
    expect(again.document).toBe(first.document);
    expect(first).toMatchObject({ status: 'PENDING', attempts: 0, lastError: null, variables: { key: 'k1' } });
  });

  it('delivers a command, records the answer and applies it in the same transaction', async () => {
    await enqueueCommand(db, record('k2', 'Thing:1'));
    const relay = createRelay(relayOptions({ headers: () => ({ authorization: 'Bearer relay' }) }));
    expect(await relay.drain()).toBe(1);
    expect(target.received.get('k2')).toBe(1);
    expect(target.headers.at(-1)).toEqual({ authorization: 'Bearer relay', 'idempotency-key': 'k2' });
    const row = await command('k2');
    expect(row).toMatchObject({ status: 'DELIVERED', attempts: 1, lastError: null, result: { record: 1 } });
    expect(row.deliveredAt).toBeInstanceOf(Date);
    expect(await db.selectFrom('applied').selectAll().execute()).toEqual([{ key: 'k2', result: 1 }]);
    expect(await relay.drain()).toBe(0); // delivered commands are not sent again
    expect(target.received.get('k2')).toBe(1);
  });

  it('retries an unreachable target with growing delays, parks it after maxAttempts, and sends it again on retry', async () => {
    await enqueueCommand(db, record('k3'));
    const down = createRelay(
      relayOptions({ gatewayUrl: 'http://127.0.0.1:9/graphql', maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 }),
    );
    expect(await down.drain()).toBe(1);
    let row = await command('k3');
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(row.lastError).toMatch(/gateway unreachable/);
    const waitMs = row.nextAttemptAt.getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(25_000); // 60 s with jitter down to half
    expect(await down.drain()).toBe(0); // not due yet

    await db
      .updateTable('outboxCommands')
      .set({ nextAttemptAt: sql<Date>`now()` })
      .execute();
    await down.drain();
    expect(await command('k3')).toMatchObject({ status: 'PENDING', attempts: 2 });
    await db
      .updateTable('outboxCommands')
      .set({ nextAttemptAt: sql<Date>`now()` })
      .execute();
    await down.drain();
    row = await command('k3');
    expect(row).toMatchObject({ status: 'PARKED', attempts: 3 });
    expect(await db.selectFrom('applied').selectAll().execute()).toEqual([{ key: 'parked:k3', result: -1 }]);
    expect(await down.drain()).toBe(0); // parked commands wait for a person

    const retried = await retryParkedCommand(db, row.id);
    expect(retried).toMatchObject({ ok: true, command: { status: 'PENDING', attempts: 0 } });
    expect(await retryParkedCommand(db, row.id)).toEqual({ ok: false, reason: 'NOT_PARKED', status: 'PENDING' });
    expect(await retryParkedCommand(db, '00000000-0000-0000-0000-000000000000')).toEqual({ ok: false, reason: 'NOT_FOUND' });
    await createRelay(relayOptions()).drain();
    expect(await command('k3')).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    expect(target.received.get('k3')).toBe(1);
  });

  it('parks at once when the target rejects the input, and keeps retrying other errors', async () => {
    target.failWith = 'BAD_USER_INPUT';
    await enqueueCommand(db, record('k4'));
    await createRelay(relayOptions()).drain();
    const bad = await command('k4');
    expect(bad).toMatchObject({ status: 'PARKED', attempts: 1 });
    expect(bad.lastError).toBe('BAD_USER_INPUT: refused k4');

    target.failWith = 'SUBGRAPH_UNAVAILABLE';
    await enqueueCommand(db, record('k5'));
    await createRelay(relayOptions({ baseDelayMs: 60_000, maxDelayMs: 60_000 })).drain();
    expect(await command('k5')).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'SUBGRAPH_UNAVAILABLE: refused k5' });
  });

  it('parks at once when the target applied the key with another payload, and re-sends when the outcome is unknown', async () => {
    target.failWith = 'IDEMPOTENCY_KEY_REUSED';
    await enqueueCommand(db, record('k-reused'));
    await createRelay(relayOptions()).drain();
    expect(await command('k-reused')).toMatchObject({ status: 'PARKED', attempts: 1 });

    target.failWith = 'MUTATION_OUTCOME_UNKNOWN';
    await enqueueCommand(db, record('k-unknown'));
    await createRelay(relayOptions({ baseDelayMs: 60_000, maxDelayMs: 60_000 })).drain();
    expect(await command('k-unknown')).toMatchObject({ status: 'PENDING', attempts: 1 });
  });

  it('rolls the delivery record back when applying the result fails, and retries later', async () => {
    await enqueueCommand(db, record('explode-1'));
    await createRelay(relayOptions({ baseDelayMs: 60_000, maxDelayMs: 60_000 })).drain();
    const row = await command('explode-1');
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, deliveredAt: null, result: null });
    expect(row.lastError).toBe('applying the result failed: cannot apply explode-1');
    expect(await db.selectFrom('applied').selectAll().execute()).toEqual([]);
  });

  it('parks at once a command whose answer can never be applied', async () => {
    await enqueueCommand(db, record('unusable-1'));
    await createRelay(relayOptions()).drain();
    const row = await command('unusable-1');
    expect(row).toMatchObject({
      status: 'PARKED',
      attempts: 1,
      deliveredAt: null,
      lastError: 'applying the result failed: nothing to apply for unusable-1',
    });
    expect(await db.selectFrom('applied').select('key').execute()).toEqual([{ key: 'parked:unusable-1' }]);
  });

  it('two relays on two connection pools deliver each command exactly once', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `many-${i}`);
    await db.transaction().execute(async (trx) => {
      for (const key of keys) await enqueueCommand(trx, record(key));
    });
    target.delayMs = 15; // keeps deliveries in flight so the relays overlap
    const second: Database<TestDb> = createDatabase('outboxtest', testDb.url);
    try {
      const a = createRelay(relayOptions());
      const b = createRelay(relayOptions({ db: second.db }));
      const [byA, byB] = await Promise.all([a.drain(), b.drain()]);
      expect(byA + byB).toBe(keys.length);
      expect(byA).toBeGreaterThan(0);
      expect(byB).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
    expect([...target.received.values()].every((n) => n === 1)).toBe(true);
    expect(target.received.size).toBe(keys.length);
    const statuses = await db.selectFrom('outboxCommands').select(['status', 'attempts']).execute();
    expect(statuses.every((s) => s.status === 'DELIVERED' && s.attempts === 1)).toBe(true);
    expect(await db.selectFrom('applied').select('key').execute()).toHaveLength(keys.length);
  });

  it('runs in the background, survives an unreachable database, and stops cleanly', async () => {
    const broken: Database<TestDb> = createDatabase('outboxtest', 'postgres://postgres@127.0.0.1:9/nowhere');
    const failing = createRelay(relayOptions({ db: broken.db }));
    failing.start();
    await new Promise((r) => setTimeout(r, 200));
    await failing.stop();
    await broken.close();

    const relay = createRelay(relayOptions());
    relay.start();
    await enqueueCommand(db, record('background'));
    for (let i = 0; i < 100 && (await command('background')).status !== 'DELIVERED'; i++) await new Promise((r) => setTimeout(r, 20));
    await relay.stop();
    expect(await command('background')).toMatchObject({ status: 'DELIVERED' });
  });

  it('sends one claim, one update and the handler statements per delivery, whatever the backlog', async () => {
    for (const key of ['q1', 'q2', 'q3']) await enqueueCommand(db, record(key));
    const before = await dbQueryCount('outboxtest');
    await createRelay(relayOptions()).drain();
    // The due check; per command: begin, claim, record, apply, commit; the final empty claim (begin, select, commit).
    expect((await dbQueryCount('outboxtest')) - before).toBe(1 + 3 * 5 + 3);
    const idle = await dbQueryCount('outboxtest');
    await createRelay(relayOptions()).drain();
    expect((await dbQueryCount('outboxtest')) - idle).toBe(1); // an idle poll is one statement
  });

  it('spreads retries with jitter within half and all of an exponential, capped delay', () => {
    expect(backoffDelay(1, 1_000, 300_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1_000, 300_000, () => 0.999999)).toBe(1_000);
    expect(backoffDelay(4, 1_000, 300_000, () => 0.999999)).toBe(8_000);
    expect(backoffDelay(30, 1_000, 300_000, () => 0.999999)).toBe(300_000);
  });

  it('finds a command by id', async () => {
    const created = await enqueueCommand(db, record('by-id'));
    expect((await findCommandById(db, created.id))?.idempotencyKey).toBe('by-id');
  });
});
