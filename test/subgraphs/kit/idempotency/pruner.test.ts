import { sql, type Kysely } from 'kysely';
import { loadSubgraphConfig } from '../../../../subgraphs/kit/config';
import { pruneKeys } from '../../../../subgraphs/kit/idempotency/idempotency.repository';
import { startIdempotencyPruner } from '../../../../subgraphs/kit/idempotency/pruner';
import type { IdempotencyDatabase } from '../../../../subgraphs/kit/idempotency';
import { mesSystem } from '../../../../subgraphs/mes/server';
import { createTestDatabase, type TestDatabase } from '../../../support/databases';

const DAY = 86_400_000;

describe('pruning applied idempotency keys', () => {
  let testDb: TestDatabase;
  let db: Kysely<IdempotencyDatabase>;

  beforeAll(async () => {
    testDb = await createTestDatabase(mesSystem);
    db = testDb.database.db as Kysely<IdempotencyDatabase>;
  });
  afterAll(() => testDb.drop());
  beforeEach(() => db.deleteFrom('idempotencyKeys').execute());

  const key = (idempotencyKey: string, ageMs: number) =>
    db
      .insertInto('idempotencyKeys')
      .values({
        scope: 'user-1',
        idempotencyKey,
        field: 'setWorkCenterState',
        operation: 'setWorkCenterState',
        fingerprint: 'f',
        outcome: '{}',
        createdAt: new Date(Date.now() - ageMs),
      })
      .execute();
  const keysLeft = async () =>
    (await db.selectFrom('idempotencyKeys').select('idempotencyKey').orderBy('idempotencyKey').execute()).map((r) => r.idempotencyKey);

  it('deletes the keys applied before the cut and keeps the others', async () => {
    await key('eight-days', 8 * DAY);
    await key('six-days', 6 * DAY);
    await key('now', 0);
    expect(await pruneKeys(db, new Date(Date.now() - 7 * DAY))).toBe(1);
    expect(await keysLeft()).toEqual(['now', 'six-days']);
  });

  it('prunes once at start, then on its interval, and stops', async () => {
    await key('old', 2 * DAY);
    await key('fresh', 0);
    const pruner = startIdempotencyPruner(db, { retentionMs: DAY, everyMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await keysLeft()).toEqual(['fresh']);
    await sql`update idempotency_keys set created_at = now() - interval '3 days'`.execute(db);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await keysLeft()).toEqual([]);
    await pruner.stop();
  });

  it('reads the retention from IDEMPOTENCY_RETENTION (7 days unless set) and refuses a bad value naming it', () => {
    const env = { DATABASE_URL: 'postgres://127.0.0.1/plantgraph_mes' };
    expect(loadSubgraphConfig('mes', env).idempotencyRetentionMs).toBe(7 * DAY);
    expect(loadSubgraphConfig('mes', { ...env, IDEMPOTENCY_RETENTION: '36h' }).idempotencyRetentionMs).toBe(36 * 3_600_000);
    expect(() => loadSubgraphConfig('mes', { ...env, IDEMPOTENCY_RETENTION: 'forever' })).toThrow(
      'mes subgraph: IDEMPOTENCY_RETENTION expects a positive duration such as 7d, 12h, 90m or 30s, got "forever"',
    );
  });
});
