import { sql, type Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

export type SupplierRow = ErpDatabase['suppliers'];

export function findSuppliersByIds(db: Kysely<ErpDatabase>, ids: readonly string[]): Promise<SupplierRow[]> {
  return db
    .selectFrom('suppliers')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** Quantity received on goods receipts in the twelve months before now, per supplier (suppliers without receipts are absent). */
export function sumReceivedLast12Months(
  db: Kysely<ErpDatabase>,
  supplierIds: readonly string[],
): Promise<{ supplierId: string; quantity: number }[]> {
  return db
    .selectFrom('goodsReceipts as gr')
    .innerJoin('purchaseOrders as po', 'po.number', 'gr.poNumber')
    .select(['po.supplierId', (eb) => eb.fn.sum<number>('gr.quantity').as('quantity')])
    .where('po.supplierId', '=', (eb) => eb.fn.any(eb.val(supplierIds)))
    .where('gr.receivedAt', '>=', sql<Date>`now() - interval '12 months'`)
    .groupBy('po.supplierId')
    .execute();
}
