import { sql } from 'kysely';
import { dbQueryCount } from '../../../platform/metrics';
import { crmSystem } from '../../../subgraphs/crm/server';
import { erpSystem } from '../../../subgraphs/erp/server';
import { mesSystem } from '../../../subgraphs/mes/server';
import { startTestStack, testToken, type TestStack } from '../../support/stack';

const Q01 = `query WorkOrderDashboard($siteId: ID!, $dueBefore: Date) {
  workOrders(siteId: $siteId, status: [RELEASED], dueBefore: $dueBefore, first: 200) {
    nodes {
      id dueDate plannedQuantity orderStatus
      material { description baseUnitOfMeasure }
      customer { name segment }
      dispatchStatus goodQuantity scrapQuantity
      remainingQuantity
      workCenter { name state }
    }
  }
}`;

const Q04 = `query LotTrace($lotId: ID!) {
  lot(id: $lotId) {
    id quantity createdAt lifecycleStatus
    material { description }
    producedBy { id dispatchStatus plannedQuantity remainingQuantity workCenter { name } }
    backward: genealogy(direction: BACKWARD) { depth quantity consumedLot { id material { description } } }
    forward: genealogy(direction: FORWARD) { depth producedLot { id lifecycleStatus } }
  }
}`;

describe('MES through the gateway, with ERP and CRM (q01 and q04)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack([erpSystem, mesSystem, crmSystem]);
  });
  afterAll(() => stack.stop());

  const erp = () => stack.databases.erp!.database.db;
  const mes = () => stack.databases.mes!.database.db;

  it('q01: dispatch status, quantities, remaining quantity from ERP plannedQuantity and work center of released orders', async () => {
    const { body } = await stack.query(Q01, { siteId: 'S01' });
    expect(body.errors).toBeUndefined();
    const orders = body.data.workOrders.nodes as any[];
    expect(orders.length).toBeGreaterThan(50);
    const erpRows = new Map((await erp().selectFrom('workOrders').selectAll().execute()).map((r) => [r.id, r]));
    const mesRows = new Map((await mes().selectFrom('workOrders').selectAll().execute()).map((r) => [r.id, r]));
    const centers = new Map((await mes().selectFrom('workCenters').selectAll().execute()).map((r) => [r.id, r]));
    for (const order of orders) {
      const plan = erpRows.get(order.id)!;
      const run = mesRows.get(order.id)!;
      expect(order.orderStatus).toBe('RELEASED');
      expect(order.plannedQuantity).toBe(plan.plannedQuantity);
      if (plan.customerId) expect(order.customer.name).toEqual(expect.any(String));
      else expect(order.customer).toBeNull();
      expect(['READY', 'RUNNING', 'HELD', 'SUSPENDED']).toContain(order.dispatchStatus);
      expect(order.dispatchStatus).toBe(run.dispatchStatus);
      expect(order.goodQuantity).toBe(run.goodQuantity);
      expect(order.scrapQuantity).toBe(run.scrapQuantity);
      expect(order.remainingQuantity).toBe(Math.max(plan.plannedQuantity - run.goodQuantity, 0));
      const center = centers.get(run.workCenterId!)!;
      expect(order.workCenter).toEqual({ name: center.name, state: center.state });
    }
    expect(orders.some((o) => o.goodQuantity > 0 && o.remainingQuantity < o.plannedQuantity)).toBe(true);
    expect(orders.some((o) => o.customer !== null)).toBe(true);
  });

  it('q01: MES sends as many statements for a short dashboard as for a long one', async () => {
    const measure = async (dueBefore: string) => {
      const before = await dbQueryCount('mes');
      const { body } = await stack.query(Q01, { siteId: 'S01', dueBefore });
      expect(body.errors).toBeUndefined();
      return { rows: body.data.workOrders.nodes.length as number, statements: (await dbQueryCount('mes')) - before };
    };
    const short = await measure('2026-10-30');
    const long = await measure('2026-12-31');
    expect(short.rows).toBeGreaterThanOrEqual(3);
    expect(long.rows).toBeGreaterThan(short.rows * 5);
    expect(short.statements).toBe(long.statements);
  });

  it('q01: when MES cannot answer, only its fields are null and the ERP part of the dashboard stands', async () => {
    await sql`alter table work_orders rename to work_orders_unavailable`.execute(mes());
    try {
      const { body } = await stack.query(Q01, { siteId: 'S01', dueBefore: '2026-11-05' });
      const orders = body.data.workOrders.nodes as any[];
      expect(orders.length).toBeGreaterThan(3);
      for (const order of orders) {
        expect(order.plannedQuantity).toEqual(expect.any(Number));
        expect(order.material.description).toEqual(expect.any(String));
        expect(order).toMatchObject({
          dispatchStatus: null,
          goodQuantity: null,
          scrapQuantity: null,
          remainingQuantity: null,
          workCenter: null,
        });
      }
      expect(body.errors?.length).toBeGreaterThan(0);
    } finally {
      await sql`alter table work_orders_unavailable rename to work_orders`.execute(mes());
    }
  });

  it('q04: a lot with its producer and its backward and forward genealogy, with depths', async () => {
    // A finished lot made from semi-finished lots that were made from received ones: two levels deep.
    const candidate = await mes()
      .selectFrom('genealogyEdges as up')
      .innerJoin('genealogyEdges as down', 'down.producedLotId', 'up.consumedLotId')
      .select('up.producedLotId as lotId')
      .orderBy('up.producedLotId')
      .limit(1)
      .executeTakeFirstOrThrow();
    const { body } = await stack.query(Q04, { lotId: candidate.lotId });
    expect(body.errors).toBeUndefined();
    const lot = body.data.lot;
    const row = await mes().selectFrom('lots').selectAll().where('id', '=', candidate.lotId).executeTakeFirstOrThrow();
    const material = await erp().selectFrom('materials').select('description').where('id', '=', row.materialId).executeTakeFirstOrThrow();
    expect(lot).toMatchObject({
      id: row.id,
      quantity: row.quantity,
      createdAt: row.createdAt.toISOString(),
      lifecycleStatus: row.lifecycleStatus,
      material,
    });

    const order = await mes().selectFrom('workOrders').selectAll().where('id', '=', row.producedBy!).executeTakeFirstOrThrow();
    const plan = await erp().selectFrom('workOrders').selectAll().where('id', '=', row.producedBy!).executeTakeFirstOrThrow();
    const center = order.workCenterId
      ? await mes().selectFrom('workCenters').select('name').where('id', '=', order.workCenterId).executeTakeFirstOrThrow()
      : null;
    expect(lot.producedBy).toEqual({
      id: order.id,
      dispatchStatus: order.dispatchStatus,
      plannedQuantity: plan.plannedQuantity,
      remainingQuantity: Math.max(plan.plannedQuantity - order.goodQuantity, 0),
      workCenter: center,
    });

    const inputs = await mes().selectFrom('genealogyEdges').selectAll().where('producedLotId', '=', row.id).execute();
    const direct = lot.backward.filter((e: { depth: number }) => e.depth === 1);
    expect(direct).toHaveLength(inputs.length);
    for (const edge of inputs) {
      const consumed = await mes().selectFrom('lots').select('materialId').where('id', '=', edge.consumedLotId).executeTakeFirstOrThrow();
      const description = await erp()
        .selectFrom('materials')
        .select('description')
        .where('id', '=', consumed.materialId)
        .executeTakeFirstOrThrow();
      expect(direct).toContainEqual({ depth: 1, quantity: edge.quantity, consumedLot: { id: edge.consumedLotId, material: description } });
    }
    expect(lot.backward.some((e: { depth: number }) => e.depth === 2)).toBe(true);
    const uses = await mes().selectFrom('genealogyEdges').select('producedLotId').where('consumedLotId', '=', row.id).execute();
    expect(
      lot.forward
        .filter((e: { depth: number }) => e.depth === 1)
        .map((e: { producedLot: { id: string } }) => e.producedLot.id)
        .sort(),
    ).toEqual(uses.map((u) => u.producedLotId).sort());
  });

  it('q04: forward from a received lot, through the lots made from it to the lots made from those', async () => {
    const received = await mes()
      .selectFrom('genealogyEdges as first')
      .innerJoin('genealogyEdges as second', 'second.consumedLotId', 'first.producedLotId')
      .select(['first.consumedLotId as lotId', 'first.producedLotId as usedIn', 'second.producedLotId as then'])
      .orderBy('first.consumedLotId')
      .limit(1)
      .executeTakeFirstOrThrow();
    const { body } = await stack.query(Q04, { lotId: received.lotId });
    expect(body.errors).toBeUndefined();
    const keys = body.data.lot.forward.map((e: { depth: number; producedLot: { id: string } }) => `${e.producedLot.id}@${e.depth}`);
    expect(keys).toContain(`${received.usedIn}@1`);
    expect(keys).toContain(`${received.then}@2`);
    expect(body.data.lot.producedBy).toBeNull();
  });

  it('q04: maxDepth out of range is BAD_USER_INPUT naming maxDepth, through the gateway', async () => {
    const { body } = await stack.query(`{ lot(id: "L00000100") { id genealogy(direction: BACKWARD, maxDepth: 51) { depth } } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxDepth' });
  });

  it('records the caller the gateway vouches for as the actor of a mutation', async () => {
    const token = await testToken();
    const subject = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
    const { body } = await stack.query(
      `mutation { setWorkCenterState(id: "WC002", state: CHANGEOVER, reasonCode: "SKU_CHANGE") { state changeHistory { nodes { actor operation } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.setWorkCenterState.state).toBe('CHANGEOVER');
    const audit = await mes().selectFrom('auditTrail').selectAll().where('entityId', '=', 'WC002').executeTakeFirstOrThrow();
    expect(audit.actor).toBe(subject);
    expect(body.data.setWorkCenterState.changeHistory.nodes[0]).toEqual({ actor: subject, operation: 'setWorkCenterState' });
  });
});
