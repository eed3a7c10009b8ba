import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

/** The supplier of each lot that came in on a goods receipt. */
export function findSuppliersOfLots(db: Kysely<ErpDatabase>, lotIds: readonly string[]): Promise<{ lotId: string; supplierId: string }[]> {
  return db
    .selectFrom('goodsReceipts as gr')
    .innerJoin('purchaseOrders as po', 'po.number', 'gr.poNumber')
    .select(['gr.lotId', 'po.supplierId'])
    .where('gr.lotId', '=', (eb) => eb.fn.any(eb.val(lotIds)))
    .execute();
}

/** The customers each lot was delivered to (outbound deliveries of their sales orders). */
export function findCustomersOfLots(db: Kysely<ErpDatabase>, lotIds: readonly string[]): Promise<{ lotId: string; customerId: string }[]> {
  return db
    .selectFrom('deliveryLots as dl')
    .innerJoin('outboundDeliveries as od', 'od.documentNumber', 'dl.deliveryNumber')
    .innerJoin('salesOrders as so', 'so.number', 'od.salesOrderNumber')
    .select(['dl.lotId', 'so.customerId'])
    .distinct()
    .where('dl.lotId', '=', (eb) => eb.fn.any(eb.val(lotIds)))
    .orderBy('dl.lotId')
    .orderBy('so.customerId')
    .execute();
}
