import { sql } from 'kysely';
import type { ErpDatabase } from '../../../../subgraphs/erp/db';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { startSubgraph, user, supplierPartner, type SubgraphHarness } from '../../../support/subgraph';
import { openOrderLineOf } from '../../../support/plant-rows';

const ORDER =
  'query ($number: ID!, $change: ID) { purchaseOrder(number: $number, asOfChange: $change) { number status lines { promisedDate } } }';
const CONFIRM = `mutation ($po: ID!, $material: ID!, $date: Date!) {
  confirmPurchaseOrderLine(poNumber: $po, materialId: $material, promisedDate: $date) { number }
}`;

describe('a purchase order by number, and the change events of confirmed dates, under its row rule', () => {
  let erp: SubgraphHarness<ErpDatabase>;
  beforeAll(async () => {
    erp = await startSubgraph(erpSystem);
  });
  afterAll(() => erp.stop());

  const openOrderOf = async (supplierId: string) => {
    const line = await openOrderLineOf(erp.db, supplierId);
    return { number: line.poNumber, materialId: line.materialId };
  };

  it('answers a supplier its own order and FORBIDDEN for another’s; a customer’s caller none; the plant’s users every one', async () => {
    const own = await openOrderOf('V00001');
    const other = await openOrderOf('V00002');
    expect((await erp.execute(ORDER, { number: own.number }, supplierPartner('V00001'))).data.purchaseOrder.number).toBe(own.number);
    const refused = await erp.execute(ORDER, { number: other.number }, supplierPartner('V00001'));
    expect(refused.data.purchaseOrder).toBeNull();
    expect(refused.errors).toEqual([
      expect.objectContaining({
        message: `PurchaseOrder "${other.number}" belongs to another supplier than the caller's (V00001)`,
        path: ['purchaseOrder'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
    const customer = await erp.execute(ORDER, { number: own.number }, user('cust', { customerId: 'C00001' }));
    expect(customer.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await erp.execute(ORDER, { number: other.number }, user('bea.buyer', { roles: ['buyer'] }))).data.purchaseOrder.number).toBe(
      other.number,
    );
    expect((await erp.execute(ORDER, { number: 'PO-NONE' }, supplierPartner('V00001'))).data.purchaseOrder).toBeNull();
  });

  it('records a change event scoped to the supplier when a date is confirmed, readable as of that change under the same rule', async () => {
    const own = await openOrderOf('V00001');
    const confirmed = await erp.execute(
      CONFIRM,
      { po: own.number, material: own.materialId, date: '2027-02-01' },
      supplierPartner('V00001'),
    );
    expect(confirmed.errors).toBeUndefined();
    const { rows } = await sql<{ seq: string; scope: string; entityKey: unknown }>`
      select seq::text as seq, scope, entity_key from change_events where field = 'purchaseOrderChanged' order by seq desc limit 1`.execute(
      erp.db,
    );
    expect(rows[0]).toEqual(expect.objectContaining({ scope: 'V00001', entityKey: { number: own.number } }));
    const asOf = await erp.execute(ORDER, { number: own.number, change: rows[0]!.seq }, supplierPartner('V00001'));
    expect(asOf.errors).toBeUndefined();
    expect(asOf.data.purchaseOrder.number).toBe(own.number);
    const prying = await erp.execute(ORDER, { number: own.number, change: rows[0]!.seq }, supplierPartner('V00002'));
    expect(prying.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
