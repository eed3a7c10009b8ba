import { sql } from 'kysely';
import type { ErpDatabase } from '../../../subgraphs/erp/db';
import { erpSystem } from '../../../subgraphs/erp/server';
import { lotShipmentOf } from '../../../subgraphs/kit/seed/erp-world';
import { heldLots, lotHoldFact, qualityIds } from '../../../subgraphs/kit/seed/quality-world';
import { ids, lotCount, lotFact, scalePlan } from '../../../subgraphs/kit/seed/world';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

describe('ERP seed at scale 1', () => {
  let t: TestDatabase<ErpDatabase>;
  const plan = scalePlan(1);
  beforeAll(async () => {
    t = await createTestDatabase(erpSystem, { seed: true });
  });
  afterAll(() => t.drop());

  it('has 200 suppliers and about 250 open purchase orders, at least one OPEN per supplier', async () => {
    const db = t.database.db;
    const { count } = await db
      .selectFrom('suppliers')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(200);
    expect((await db.selectFrom('suppliers').select('id').orderBy('id').executeTakeFirstOrThrow()).id).toBe('V00001');
    const open = await db
      .selectFrom('purchaseOrders')
      .select(['supplierId', 'status'])
      .where('status', 'in', ['OPEN', 'PARTIALLY_RECEIVED'])
      .execute();
    expect(open.length).toBeGreaterThan(220);
    expect(open.length).toBeLessThan(280);
    expect(new Set(open.filter((o) => o.status === 'OPEN').map((o) => o.supplierId)).size).toBe(200);
  });

  it('books every received lot of the world on a goods receipt of its supplier, and no other lot', async () => {
    const rows = await t.database.db
      .selectFrom('goodsReceipts as gr')
      .innerJoin('purchaseOrders as po', 'po.number', 'gr.poNumber')
      .innerJoin('purchaseOrderLines as l', (j) => j.onRef('l.poNumber', '=', 'gr.poNumber').onRef('l.lineNumber', '=', 'gr.lineNumber'))
      .select(['gr.lotId', 'po.supplierId', 'l.materialId', 'gr.quantity'])
      .execute();
    const byLot = new Map(rows.map((r) => [r.lotId, r]));
    let received = 0;
    for (let n = 1; n <= lotCount(plan); n++) {
      const lot = lotFact(plan, n);
      if (lot.kind !== 'RECEIVED') {
        expect(byLot.has(lot.id)).toBe(false);
        continue;
      }
      received++;
      expect(byLot.get(lot.id)).toEqual({
        lotId: lot.id,
        supplierId: ids.supplier(lot.supplier!),
        materialId: ids.material(lot.material),
        quantity: lot.quantity,
      });
    }
    expect(rows).toHaveLength(received);
  });

  it('keeps line quantities equal to their receipts, and ordered at least received', async () => {
    const { rows } = await sql<{ bad: number }>`
      select count(*)::int as bad from purchase_order_lines l
      left join (select po_number, line_number, sum(quantity) as q from goods_receipts group by 1, 2) r using (po_number, line_number)
      where l.received_quantity <> coalesce(r.q, 0) or l.ordered_quantity < l.received_quantity`.execute(t.database.db);
    expect(rows[0]!.bad).toBe(0);
  });

  it('delivers exactly the shipped lots of the world, to their customers', async () => {
    const rows = await t.database.db
      .selectFrom('deliveryLots as dl')
      .innerJoin('outboundDeliveries as od', 'od.documentNumber', 'dl.deliveryNumber')
      .innerJoin('salesOrders as so', 'so.number', 'od.salesOrderNumber')
      .select(['dl.lotId', 'so.customerId'])
      .execute();
    const byLot = new Map(rows.map((r) => [r.lotId, r.customerId]));
    let shipped = 0;
    for (let n = 1; n <= lotCount(plan); n++) {
      const lot = lotFact(plan, n);
      const shipment = lotShipmentOf(plan, lot);
      expect(byLot.get(lot.id)).toBe(shipment ? ids.customer(shipment.customer) : undefined);
      if (shipment) shipped++;
    }
    expect(shipped).toBeGreaterThan(500);
    expect(rows).toHaveLength(shipped);
  });

  it('has about 300 open sales orders, at least one per customer', async () => {
    const open = await t.database.db
      .selectFrom('salesOrders')
      .select('customerId')
      .where('status', 'in', ['OPEN', 'IN_DELIVERY'])
      .execute();
    expect(open).toHaveLength(300);
    expect(new Set(open.map((o) => o.customerId)).size).toBe(150);
  });
});

describe("ERP seed agrees with quality's seeded holds", () => {
  let t: TestDatabase<ErpDatabase>;
  const plan = scalePlan(1);
  beforeAll(async () => {
    t = await createTestDatabase(erpSystem, { seed: true });
  });
  afterAll(() => t.drop());

  it('blocks the stock of open holds, under the hold ids and document numbers quality records', async () => {
    const db = t.database.db;
    const documents = await db.selectFrom('stockStatusChanges').selectAll().execute();
    const held = heldLots(plan);
    const open = held.map((n, i) => ({ n, i, hold: lotHoldFact(plan, n)! })).filter((h) => h.hold.releasedAt === null);
    expect(open.length).toBeGreaterThan(0);
    const blocks = documents.filter((d) => d.toStatus === 'BLOCKED');
    expect(blocks.length).toBeGreaterThan(held.length * 0.9);
    for (const { i, hold } of open) {
      const block = blocks.find((d) => d.sourceHoldId === qualityIds.hold(i + 1));
      if (!block) continue; // the book had nothing left to block
      expect(block).toMatchObject({ documentNumber: `SSC-SEED-${String(i + 1).padStart(6, '0')}-B`, lotId: hold.lot.id });
      expect(block.quantity).toBeLessThanOrEqual(hold.lot.quantity);
    }
    const { rows } = await sql<{ bad: number }>`
      select count(*)::int as bad from material_sites ms
      left join (
        select material_id, site_id, sum(case when to_status = 'BLOCKED' then quantity else -quantity end) as q
        from stock_status_changes group by 1, 2
      ) s using (material_id, site_id)
      where ms.blocked_quantity <> coalesce(s.q, 0) or ms.blocked_quantity > ms.book_quantity`.execute(db);
    expect(rows[0]!.bad).toBe(0);
    // q08's material has an open hold on its newest lot: its stock is blocked.
    const m1 = await db.selectFrom('materialSites').select('blockedQuantity').where('materialId', '=', 'M000001').executeTakeFirstOrThrow();
    expect(m1.blockedQuantity).toBeGreaterThan(0);
  });
});
