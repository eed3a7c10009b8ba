import type { Caller } from '../../../../platform/caller';
import type { ErpDatabase } from '../../../../subgraphs/erp/db';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { startSubgraph, user, supplierPartner, type SubgraphHarness } from '../../../support/subgraph';

const MY_POS = `query ($status: [PurchaseOrderStatus!]) {
  myPurchaseOrders(status: $status, first: 200) {
    nodes { number status lines { material { id } orderedQuantity receivedQuantity promisedDate receivedLots { id } } }
    pageInfo { hasNextPage }
  }
}`;
const CONFIRM = `mutation ($po: ID!, $material: ID!, $date: Date!) {
  confirmPurchaseOrderLine(poNumber: $po, materialId: $material, promisedDate: $date) {
    number lines { material { id } promisedDate }
    changeHistory { nodes { actor actorKind operation entityType entityId before after changedFields } }
  }
}`;

describe('ERP purchase orders for partners', () => {
  let erp: SubgraphHarness<ErpDatabase>;
  beforeAll(async () => {
    erp = await startSubgraph(erpSystem);
  });
  afterAll(() => erp.stop());

  const ordersOf = (supplierId: string, statuses: string[]) =>
    erp.db
      .selectFrom('purchaseOrders')
      .selectAll()
      .where('supplierId', '=', supplierId)
      .where('status', 'in', statuses)
      .orderBy('number')
      .execute();

  it("lists only the purchase orders of the caller's supplier", async () => {
    const result = await erp.execute(MY_POS, { status: ['OPEN', 'PARTIALLY_RECEIVED'] }, supplierPartner('V00007'));
    expect(result.errors).toBeUndefined();
    const expected = await ordersOf('V00007', ['OPEN', 'PARTIALLY_RECEIVED']);
    expect(expected.length).toBeGreaterThan(0);
    expect(result.data.myPurchaseOrders.nodes.map((o: any) => o.number)).toEqual(expected.map((o) => o.number));
    expect(result.data.myPurchaseOrders.pageInfo.hasNextPage).toBe(false);
    const all = await erp.execute(MY_POS, {}, supplierPartner('V00007'));
    const everything = await erp.db.selectFrom('purchaseOrders').select('number').where('supplierId', '=', 'V00007').execute();
    expect(everything.length).toBeLessThanOrEqual(200);
    expect(all.data.myPurchaseOrders.nodes).toHaveLength(everything.length);
  });

  it('answers FORBIDDEN to a caller bound to no supplier', async () => {
    const result = await erp.execute(MY_POS, {}, user('u-buyer'));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data).toBeNull();
  });

  it('lets a supplier confirm a date on its own open line, with an audit-trail row', async () => {
    const [order] = await ordersOf('V00003', ['OPEN']);
    const line = await erp.db
      .selectFrom('purchaseOrderLines')
      .selectAll()
      .where('poNumber', '=', order!.number)
      .orderBy('lineNumber')
      .executeTakeFirstOrThrow();
    const result = await erp.execute(
      CONFIRM,
      { po: order!.number, material: line.materialId, date: '2026-12-24' },
      supplierPartner('V00003'),
    );
    expect(result.errors).toBeUndefined();
    const stored = await erp.db
      .selectFrom('purchaseOrderLines')
      .select('promisedDate')
      .where('poNumber', '=', order!.number)
      .where('lineNumber', '=', line.lineNumber)
      .executeTakeFirstOrThrow();
    expect(stored.promisedDate).toBe('2026-12-24');
    const confirmed = result.data.confirmPurchaseOrderLine;
    expect(confirmed.lines.find((l: any) => l.material.id === line.materialId).promisedDate).toBe('2026-12-24');
    expect(confirmed.changeHistory.nodes[0]).toMatchObject({
      actor: 'partner:key-V00003',
      actorKind: 'partner',
      operation: 'confirmPurchaseOrderLine',
      entityType: 'PurchaseOrder',
      entityId: order!.number,
      before: { lineNumber: line.lineNumber, materialId: line.materialId, promisedDate: line.promisedDate },
      after: { lineNumber: line.lineNumber, materialId: line.materialId, promisedDate: '2026-12-24' },
      changedFields: ['promisedDate'],
    });
  });

  it("refuses another supplier's order (FORBIDDEN), unknown orders and lines (NOT_FOUND), closed orders (INVALID_STATE), and writes nothing", async () => {
    const [other] = await ordersOf('V00004', ['OPEN']);
    const otherLine = await erp.db
      .selectFrom('purchaseOrderLines')
      .selectAll()
      .where('poNumber', '=', other!.number)
      .executeTakeFirstOrThrow();
    const [closed] = await ordersOf('V00003', ['CLOSED']);
    const closedLine = await erp.db
      .selectFrom('purchaseOrderLines')
      .selectAll()
      .where('poNumber', '=', closed!.number)
      .executeTakeFirstOrThrow();
    const [own] = await ordersOf('V00003', ['OPEN']);
    const auditBefore = await erp.db.selectFrom('auditTrail').select('id').execute();
    const cases: [Record<string, unknown>, Caller, string][] = [
      [{ po: other!.number, material: otherLine.materialId, date: '2026-12-01' }, supplierPartner('V00003'), 'FORBIDDEN'],
      [{ po: other!.number, material: otherLine.materialId, date: '2026-12-01' }, user('u-1'), 'FORBIDDEN'],
      [{ po: '4599999999', material: 'M000001', date: '2026-12-01' }, supplierPartner('V00003'), 'NOT_FOUND'],
      [{ po: own!.number, material: 'M999999', date: '2026-12-01' }, supplierPartner('V00003'), 'NOT_FOUND'],
      [{ po: closed!.number, material: closedLine.materialId, date: '2026-12-01' }, supplierPartner('V00003'), 'INVALID_STATE'],
      [{ po: own!.number, material: 'M000001', date: '1999-01-01' }, supplierPartner('V00003'), 'NOT_FOUND'],
    ];
    for (const [variables, caller, code] of cases) {
      const result = await erp.execute(CONFIRM, variables, caller);
      expect([variables, result.errors?.[0]?.extensions?.code]).toEqual([variables, code]);
    }
    const ownLine = await erp.db.selectFrom('purchaseOrderLines').selectAll().where('poNumber', '=', own!.number).executeTakeFirstOrThrow();
    const early = await erp.execute(
      CONFIRM,
      { po: own!.number, material: ownLine.materialId, date: '2020-01-01' },
      supplierPartner('V00003'),
    );
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'promisedDate' });
    const bad = await erp.execute(
      CONFIRM,
      { po: own!.number, material: ownLine.materialId, date: '2026-02-30' },
      supplierPartner('V00003'),
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    expect(await erp.db.selectFrom('auditTrail').select('id').execute()).toHaveLength(auditBefore.length);
    const otherAfter = await erp.db
      .selectFrom('purchaseOrderLines')
      .selectAll()
      .where('poNumber', '=', other!.number)
      .where('lineNumber', '=', otherLine.lineNumber)
      .executeTakeFirstOrThrow();
    expect(otherAfter.promisedDate).toBe(otherLine.promisedDate);
  });
});
