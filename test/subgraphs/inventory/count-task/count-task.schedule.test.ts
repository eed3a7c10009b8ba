import type { Kysely } from 'kysely';
import { createSystemServer } from '../../../../subgraphs/kit/system';
import type { SubgraphServer } from '../../../../subgraphs/kit/server';
import type { InventoryDatabase } from '../../../../subgraphs/inventory/db';
import { inventorySystem } from '../../../../subgraphs/inventory/server';
import { createTestDatabase, type TestDatabase } from '../../../support/databases';
import { listenOnFreePort, postGraphQL } from '../../../support/stack';

const DAY = 86_400_000;
const OPEN = ['SCHEDULED', 'COUNTED', 'RECOUNT_REQUIRED', 'PENDING_APPROVAL', 'APPROVED'];
const SCHEDULE = `mutation ($site: ID!, $date: Date!) { scheduleCycleCounts(siteId: $site, date: $date) { id status scheduledFor binCode materialSite { materialId abcClass } } }`;

describe('scheduleCycleCounts (inventory subgraph)', () => {
  let testDb: TestDatabase<InventoryDatabase>;
  let db: Kysely<InventoryDatabase>;
  let server: SubgraphServer;
  let url: string;
  const schedule = async (date: string, site = 'S01') => postGraphQL(url, SCHEDULE, { site, date });

  /** What the ABC policy says is due on `date`, worked out here from the rows themselves. */
  const expectedDue = async (date: string): Promise<Set<string>> => {
    const policies = await db.selectFrom('countPolicies').selectAll().where('siteId', '=', 'S01').execute();
    const interval = Object.fromEntries(policies.map((p) => [p.abcClass, (365 / p.countsPerYear) * DAY]));
    const profiles = await db.selectFrom('materialSiteProfiles').selectAll().where('siteId', '=', 'S01').execute();
    const tasks = await db.selectFrom('countTasks').selectAll().where('siteId', '=', 'S01').execute();
    const at = new Date(`${date}T00:00:00Z`).getTime();
    const due = new Set<string>();
    for (const p of profiles) {
      const mine = tasks.filter((t) => t.materialId === p.materialId);
      if (mine.some((t) => OPEN.includes(t.status))) continue;
      if (mine.some((t) => t.status !== 'REJECTED' && t.countedAt && t.countedAt.getTime() > at - interval[p.abcClass]!)) continue;
      due.add(p.materialId);
    }
    return due;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(inventorySystem, { seed: true });
    db = testDb.database.db;
    server = await createSystemServer(inventorySystem, testDb.database);
    url = await listenOnFreePort(server.httpServer);
  });
  afterAll(async () => {
    await server.stop();
    await testDb.drop();
  });

  it('schedules exactly the materials due under the ABC policy, once', async () => {
    const date = '2026-11-16';
    const due = await expectedDue(date);
    expect(due.size).toBeGreaterThan(100);
    const first = await schedule(date);
    expect(first.body.errors).toBeUndefined();
    const created = await db.selectFrom('countTasks').selectAll().where('id', 'like', 'CT-S01-20261116-%').execute();
    expect(new Set(created.map((t) => t.materialId))).toEqual(due);
    expect(created.every((t) => t.status === 'SCHEDULED' && t.scheduledFor === date)).toBe(true);

    const returned = first.body.data.scheduleCycleCounts as { id: string; scheduledFor: string; materialSite: { materialId: string } }[];
    const onDate = await db.selectFrom('countTasks').select('id').where('siteId', '=', 'S01').where('scheduledFor', '=', date).execute();
    expect(returned.map((t) => t.id).sort()).toEqual(onDate.map((t) => t.id).sort());
    expect(returned.every((t) => t.scheduledFor === date)).toBe(true);

    const total = await db
      .selectFrom('countTasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const again = await schedule(date);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.scheduleCycleCounts.map((t: { id: string }) => t.id).sort()).toEqual(returned.map((t) => t.id).sort());
    const after = await db
      .selectFrom('countTasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(total.n));
  });

  it('keeps A to 4, B to 2 and C to 1 count a year: due a day after the interval, not a day before', async () => {
    const date = '2027-06-01';
    const at = new Date(`${date}T00:00:00Z`).getTime();
    const cases: { abcClass: string; days: number }[] = [
      { abcClass: 'A', days: 365 / 4 },
      { abcClass: 'B', days: 365 / 2 },
      { abcClass: 'C', days: 365 },
    ];
    const expectations: { materialId: string; due: boolean }[] = [];
    for (const { abcClass, days } of cases) {
      const materials = await db
        .selectFrom('materialSiteProfiles')
        .select(['materialId', 'binCodes'])
        .where('abcClass', '=', abcClass)
        .orderBy('materialId', 'desc')
        .limit(2)
        .execute();
      for (const [i, m] of materials.entries()) {
        const ageDays = i === 0 ? days + 1 : days - 1;
        await db.deleteFrom('countTasks').where('materialId', '=', m.materialId).execute();
        await db
          .insertInto('countTasks')
          .values({
            id: `T-${m.materialId}`,
            materialId: m.materialId,
            siteId: 'S01',
            binCode: m.binCodes[0]!,
            scheduledFor: '2026-01-01',
            status: 'POSTED',
            countedQuantity: 1,
            recountQuantity: null,
            countedBy: 'x',
            countedAt: new Date(at - ageDays * DAY),
            approvedBy: 'y',
            erpDocumentNumber: 'D',
          })
          .execute();
        expectations.push({ materialId: m.materialId, due: i === 0 });
      }
    }
    const { body } = await schedule(date);
    expect(body.errors).toBeUndefined();
    const scheduled = new Set(
      body.data.scheduleCycleCounts.map((t: { materialSite: { materialId: string } }) => t.materialSite.materialId),
    );
    for (const { materialId, due } of expectations) expect({ materialId, due: scheduled.has(materialId) }).toEqual({ materialId, due });
  });

  it('never gives a material two open tasks when calls for two dates run at once', async () => {
    const [a, b] = await Promise.all([schedule('2027-09-01'), schedule('2027-09-02')]);
    expect(a.body.errors).toBeUndefined();
    expect(b.body.errors).toBeUndefined();
    const open = await db
      .selectFrom('countTasks')
      .select(['materialId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'SCHEDULED')
      .groupBy('materialId')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(open).toEqual([]);
  });

  it('answers NOT_FOUND for a site without a policy and BAD_USER_INPUT for a date that is not one', async () => {
    const unknown = await schedule('2026-11-16', 'S99');
    expect(unknown.body.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(unknown.body.errors![0]!.message).toContain('S99');
    const bad = await schedule('2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
