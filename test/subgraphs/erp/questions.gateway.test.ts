import { sql } from 'kysely';
import { dbQueryCount } from '../../../platform/metrics';
import { crmSystem } from '../../../subgraphs/crm/server';
import { erpSystem } from '../../../subgraphs/erp/server';
import { customerFact, lotShipmentOf, supplierFact } from '../../../subgraphs/kit/seed/erp-world';
import { ids, lotFact, scalePlan, workOrderFact } from '../../../subgraphs/kit/seed/world';
import { mesSystem } from '../../../subgraphs/mes/server';
import { startTestStack, type TestStack } from '../../support/stack';

/**
 * The ERP and CRM parts of the cross-system questions, asked through the gateway over ERP, CRM
 * and MES, with every value checked against the databases (or the world they were seeded from).
 */
describe('questions through the gateway: ERP and CRM parts', () => {
  let stack: TestStack;
  const erp = () => stack.databases.erp!.database.db;
  const crm = () => stack.databases.crm!.database.db;
  const plan = scalePlan(1);

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, mesSystem, crmSystem]);
  }, 120_000);
  afterAll(() => stack?.stop());

  it('q01: released work orders of S01 with material (ERP) and make-to-order customer (CRM)', async () => {
    const { body } = await stack.query(
      `query ($siteId: ID!) {
      workOrders(siteId: $siteId, status: [RELEASED], first: 200) {
        nodes {
          id dueDate plannedQuantity orderStatus
          material { description baseUnitOfMeasure }
          customer { name segment }
        }
        pageInfo { hasNextPage }
      }
    }`,
      { siteId: 'S01' },
    );
    expect(body.errors).toBeUndefined();
    const expected = await erp()
      .selectFrom('workOrders as wo')
      .innerJoin('materials as m', 'm.id', 'wo.materialId')
      .select(['wo.id', 'wo.dueDate', 'wo.plannedQuantity', 'wo.orderStatus', 'm.description', 'm.baseUnitOfMeasure', 'wo.customerId'])
      .where('wo.siteId', '=', 'S01')
      .where('wo.orderStatus', '=', 'RELEASED')
      .orderBy('wo.dueDate')
      .orderBy('wo.id')
      .execute();
    const customers = new Map((await crm().selectFrom('customers').selectAll().execute()).map((c) => [c.id, c]));
    expect(expected.length).toBeLessThanOrEqual(200);
    expect(body.data.workOrders.pageInfo.hasNextPage).toBe(false);
    expect(body.data.workOrders.nodes).toEqual(
      expected.map((wo) => ({
        id: wo.id,
        dueDate: wo.dueDate,
        plannedQuantity: wo.plannedQuantity,
        orderStatus: wo.orderStatus,
        material: { description: wo.description, baseUnitOfMeasure: wo.baseUnitOfMeasure },
        customer: wo.customerId ? { name: customers.get(wo.customerId)!.name, segment: customers.get(wo.customerId)!.segment } : null,
      })),
    );
    expect(body.data.workOrders.nodes.some((wo: any) => wo.customer !== null)).toBe(true);
  });

  it('q03: customer 360 joins CRM identity with ERP credit and open sales orders', async () => {
    const { body } = await stack.query(
      `query ($id: ID!) {
      customer(id: $id) {
        name segment accountManager primaryContactName
        creditLimit
        salesOrders(status: [OPEN, IN_DELIVERY]) { nodes { number status requestedDeliveryDate } }
      }
    }`,
      { id: 'C00001' },
    );
    expect(body.errors).toBeUndefined();
    const profile = await crm().selectFrom('customers').selectAll().where('id', '=', 'C00001').executeTakeFirstOrThrow();
    const credit = await erp().selectFrom('customers').select('creditLimit').where('id', '=', 'C00001').executeTakeFirstOrThrow();
    const orders = await erp()
      .selectFrom('salesOrders')
      .select(['number', 'status', 'requestedDeliveryDate'])
      .where('customerId', '=', 'C00001')
      .where('status', 'in', ['OPEN', 'IN_DELIVERY'])
      .orderBy('requestedDeliveryDate')
      .orderBy('number')
      .execute();
    expect(orders.length).toBeGreaterThan(0);
    expect(body.data.customer).toEqual({
      name: profile.name,
      segment: profile.segment,
      accountManager: profile.accountManager,
      primaryContactName: profile.primaryContactName,
      creditLimit: credit.creditLimit,
      salesOrders: { nodes: orders },
    });
  });

  it('q07: supplier scorecard (ERP part): name, received quantity in 12 months, open purchase orders', async () => {
    const { body } = await stack.query(
      `query ($id: ID!) {
      supplier(id: $id) { name receivedQuantity12m purchaseOrders(status: [OPEN]) { nodes { number lines { promisedDate receivedQuantity } } } }
    }`,
      { id: 'V00001' },
    );
    expect(body.errors).toBeUndefined();
    const { rows } = await sql<{ total: number }>`
      select coalesce(sum(gr.quantity), 0)::float8 as total from goods_receipts gr join purchase_orders po on po.number = gr.po_number
      where po.supplier_id = 'V00001' and gr.received_at >= now() - interval '12 months'`.execute(erp());
    expect(rows[0]!.total).toBeGreaterThan(0);
    const orders = await erp()
      .selectFrom('purchaseOrders')
      .select('number')
      .where('supplierId', '=', 'V00001')
      .where('status', '=', 'OPEN')
      .orderBy('number')
      .execute();
    expect(body.data.supplier.name).toBe(supplierFact(1).name);
    expect(body.data.supplier.receivedQuantity12m).toBe(rows[0]!.total);
    expect(body.data.supplier.purchaseOrders.nodes.map((o: any) => o.number)).toEqual(orders.map((o) => o.number));
    for (const order of body.data.supplier.purchaseOrders.nodes) for (const line of order.lines) expect(line.receivedQuantity).toBe(0);
  });

  it('q08: hold impact (ERP and CRM parts): material, its stock, and the customer of the producing order', async () => {
    const { body } = await stack.query(
      `query ($materialId: ID!, $siteId: ID!) {
      material(id: $materialId) { description standardCost }
      materialSites(siteId: $siteId, materialIds: [$materialId]) { nodes { bookQuantity blockedQuantity } }
    }`,
      { materialId: 'M000001', siteId: 'S01' },
    );
    expect(body.errors).toBeUndefined();
    const material = await erp()
      .selectFrom('materials')
      .select(['description', 'standardCost'])
      .where('id', '=', 'M000001')
      .executeTakeFirstOrThrow();
    const stock = await erp()
      .selectFrom('materialSites')
      .select(['bookQuantity', 'blockedQuantity'])
      .where('materialId', '=', 'M000001')
      .executeTakeFirstOrThrow();
    expect(body.data).toEqual({ material, materialSites: { nodes: [stock] } });

    // A lot of a make-to-order work order: MES lot → ERP work order → CRM customer.
    let n = 51;
    while (!(lotFact(plan, n).kind === 'PRODUCED' && workOrderFact(plan, lotFact(plan, n).workOrder!).customer)) n++;
    const lot = lotFact(plan, n);
    const order = workOrderFact(plan, lot.workOrder!);
    const traced = await stack.query(
      `query ($id: ID!) { lot(id: $id) { id producedBy { id dueDate customer { name accountManager } } } }`,
      { id: lot.id },
    );
    expect(traced.body.errors).toBeUndefined();
    const customer = customerFact(order.customer!);
    expect(traced.body.data.lot).toEqual({
      id: lot.id,
      producedBy: { id: order.id, dueDate: order.dueDate, customer: { name: customer.name, accountManager: customer.accountManager } },
    });
  });

  it('q04: lot trace (ERP and CRM parts): suppliers of consumed lots, customers of produced lots', async () => {
    const { body } = await stack.query(
      `query ($lotId: ID!) {
      lot(id: $lotId) {
        id material { description }
        backward: genealogy(direction: BACKWARD) { depth consumedLot { id material { description } supplier { id name } } }
        forward: genealogy(direction: FORWARD) { depth producedLot { id shippedTo { id name accountManager } } }
      }
    }`,
      { lotId: 'L00000054' },
    );
    expect(body.errors).toBeUndefined();
    const lot = body.data.lot;
    expect(lot.backward.length).toBeGreaterThan(0);
    expect(lot.forward.length).toBeGreaterThan(0);
    for (const edge of lot.backward) {
      const fact = lotFact(plan, Number(edge.consumedLot.id.slice(1)));
      expect(edge.consumedLot.supplier).toEqual(
        fact.kind === 'RECEIVED' ? { id: ids.supplier(fact.supplier!), name: supplierFact(fact.supplier!).name } : null,
      );
    }
    let shipped = 0;
    for (const edge of lot.forward) {
      const shipment = lotShipmentOf(plan, lotFact(plan, Number(edge.producedLot.id.slice(1))));
      const expected = shipment
        ? [
            {
              id: ids.customer(shipment.customer),
              name: customerFact(shipment.customer).name,
              accountManager: customerFact(shipment.customer).accountManager,
            },
          ]
        : [];
      expect(edge.producedLot.shippedTo).toEqual(expected);
      if (shipment) shipped++;
    }
    expect(shipped).toBeGreaterThan(0);
    const material = await erp()
      .selectFrom('materials')
      .select('description')
      .where('id', '=', ids.material(lotFact(plan, 54).material))
      .executeTakeFirstOrThrow();
    expect(lot.material.description).toBe(material.description);
  });

  it('sends as many ERP and CRM statements for 10 lots as for 200 (supplier, shippedTo, customers)', async () => {
    const asOf = new Date(`${plan.asOf}T00:00:00Z`).getTime();
    const ask = async (hours: number) => {
      const before = { erp: await dbQueryCount('erp'), crm: await dbQueryCount('crm') };
      const { body } = await stack.query(
        `query ($after: DateTime) {
        lots(siteId: "S01", createdAfter: $after, first: 200) { nodes { id supplier { id name } shippedTo { id name accountManager creditLimit } } }
      }`,
        { after: new Date(asOf - hours * 3_600_000).toISOString() },
      );
      expect(body.errors).toBeUndefined();
      return {
        lots: body.data.lots.nodes as any[],
        erp: (await dbQueryCount('erp')) - before.erp,
        crm: (await dbQueryCount('crm')) - before.crm,
      };
    };
    // Lots are spread evenly over 90 days: about 3.7 an hour.
    const few = await ask(12 * 24 + 3);
    const many = await ask(12 * 24 + 54);
    expect(few.lots.length).toBeGreaterThanOrEqual(10);
    expect(many.lots.length).toBeGreaterThanOrEqual(200);
    expect(few.lots.some((l) => l.supplier) && few.lots.some((l) => l.shippedTo.length > 0)).toBe(true);
    expect(few.erp).toBe(many.erp);
    expect(few.crm).toBe(many.crm);
  });
});
