import { sql } from 'kysely';
import { lotExecutionFact, workCenterFact, workOrderExecutionFact } from '../../../subgraphs/kit/seed/mes-world';
import { silentProgress } from '../../../subgraphs/kit/seed/progress';
import { ids, lotCount, lotFact, scalePlan, workOrderCount, workOrderFact } from '../../../subgraphs/kit/seed/world';
import type { MesDatabase } from '../../../subgraphs/mes/db';
import { mesSystem } from '../../../subgraphs/mes/server';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

describe('MES seed at scale 1', () => {
  const plan = scalePlan(1);
  let db: TestDatabase<MesDatabase>;
  let seconds: number;

  beforeAll(async () => {
    db = await createTestDatabase(mesSystem);
    expect(await mesSystem.isEmpty(db.database.db)).toBe(true);
    const started = Date.now();
    await mesSystem.seed(db.database.db, plan, silentProgress);
    seconds = (Date.now() - started) / 1000;
  });
  afterAll(() => db.drop());

  it('seeds in a few seconds (multi-row inserts)', async () => {
    expect(seconds).toBeLessThan(15);
    expect(await mesSystem.isEmpty(db.database.db)).toBe(false);
  });

  it('has 20 work centers WC001…WC020 at S01, spread over areas, with names unique per site', async () => {
    const centers = await db.database.db.selectFrom('workCenters').selectAll().orderBy('id').execute();
    expect(centers.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => ids.workCenter(i + 1)));
    expect(new Set(centers.map((c) => c.siteId))).toEqual(new Set(['S01']));
    expect(new Set(centers.map((c) => c.area)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(centers.map((c) => c.name)).size).toBe(20);
    expect(centers[4]).toMatchObject({
      name: workCenterFact(plan, 5).name,
      area: workCenterFact(plan, 5).area,
      state: workCenterFact(plan, 5).state,
    });
  });

  it('has an execution record for every work order, consistent with ERP status', async () => {
    const orders = await db.database.db.selectFrom('workOrders').selectAll().orderBy('id').execute();
    expect(orders).toHaveLength(workOrderCount(plan));
    const expected: Record<string, string[]> = {
      CREATED: ['WAITING'],
      RELEASED: ['READY', 'RUNNING', 'HELD', 'SUSPENDED'],
      TECHNICALLY_COMPLETE: ['COMPLETED'],
      CLOSED: ['CLOSED'],
    };
    for (const [i, row] of orders.entries()) {
      const fact = workOrderFact(plan, i + 1);
      expect(row.id).toBe(fact.id);
      expect(expected[fact.status]).toContain(row.dispatchStatus);
      expect(row.workCenterId).toBe(fact.workCenter === null ? null : ids.workCenter(fact.workCenter));
      expect(row.goodQuantity + row.scrapQuantity).toBeLessThanOrEqual(fact.plannedQuantity);
      expect(row.materialId).toBe(ids.material(fact.material));
    }
    const running = orders.filter((o) => o.dispatchStatus === 'RUNNING');
    expect(running.length).toBeGreaterThan(20);
    expect(running.some((o) => o.goodQuantity > 0)).toBe(true);
    expect(workOrderExecutionFact(plan, 1).order.id).toBe(orders[0]!.id);
  });

  it('has the lots exactly as the world says, and one genealogy edge per consumption', async () => {
    const lots = await db.database.db.selectFrom('lots').selectAll().orderBy('id').execute();
    expect(lots).toHaveLength(lotCount(plan));
    let edgeCount = 0;
    for (const n of [1, 51, 777, 4000, 7999, 8000]) {
      const fact = lotExecutionFact(plan, n);
      expect(lots[n - 1]).toEqual({
        id: fact.id,
        materialId: ids.material(fact.material),
        siteId: ids.site(fact.site),
        quantity: fact.quantity,
        lifecycleStatus: fact.lifecycleStatus,
        producedBy: fact.workOrder === null ? null : ids.workOrder(fact.workOrder),
        createdAt: fact.createdAt,
      });
    }
    for (let n = 1; n <= lotCount(plan); n++) edgeCount += lotFact(plan, n).consumed.length;
    const { count } = await db.database.db
      .selectFrom('genealogyEdges')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(edgeCount);
    const statuses = new Set(lots.map((l) => l.lifecycleStatus));
    for (const status of ['AVAILABLE', 'SHIPPED', 'IN_PROCESS', 'SCRAPPED']) expect(statuses).toContain(status);
  });

  it('continues lot numbers after the seeded lots', async () => {
    const { rows } = await sql<{ last: number }>`select last_value as last from lot_numbers`.execute(db.database.db);
    expect(Number(rows[0]!.last)).toBe(lotCount(plan));
  });

  it('keeps the data a system of record owes: bad rows are refused by the database', async () => {
    const d = db.database.db;
    const refused = async (write: Promise<unknown>) => expect(write).rejects.toThrow();
    await refused(d.updateTable('lots').set({ quantity: -1 }).where('id', '=', 'L00000001').execute());
    await refused(d.updateTable('lots').set({ lifecycleStatus: 'LOST' }).where('id', '=', 'L00000001').execute());
    await refused(d.updateTable('workOrders').set({ goodQuantity: -5 }).where('id', '=', 'WO0000001').execute());
    await refused(d.updateTable('workOrders').set({ dispatchStatus: 'DONE' }).where('id', '=', 'WO0000001').execute());
    await refused(d.updateTable('workCenters').set({ state: 'BROKEN' }).where('id', '=', 'WC001').execute());
    const first = await d.selectFrom('workCenters').select('name').where('id', '=', 'WC001').executeTakeFirstOrThrow();
    await refused(d.updateTable('workCenters').set({ name: first.name }).where('id', '=', 'WC002').execute());
    await refused(d.insertInto('genealogyEdges').values({ consumedLotId: 'L00000001', producedLotId: 'L00000001', quantity: 1 }).execute());
    await refused(d.insertInto('genealogyEdges').values({ consumedLotId: 'L00000001', producedLotId: 'L99999999', quantity: 1 }).execute());
    await refused(
      d
        .insertInto('lots')
        .values({ ...(await d.selectFrom('lots').selectAll().where('id', '=', 'L00000002').executeTakeFirstOrThrow()) })
        .execute(),
    );
  });
});
