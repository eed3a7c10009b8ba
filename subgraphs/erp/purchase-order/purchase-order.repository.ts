import type { Kysely } from 'kysely';
import { intArray, textArray, unnestPairs } from '../../../platform/db/key-arrays';
import type { ErpDatabase } from '../db';

export type PurchaseOrderRow = ErpDatabase['purchaseOrders'];
export type PurchaseOrderLineRow = ErpDatabase['purchaseOrderLines'];
export type GoodsReceiptRow = ErpDatabase['goodsReceipts'];

export interface PurchaseOrderLineKey {
  poNumber: string;
  lineNumber: number;
}

/** Purchase orders of suppliers, optionally of some statuses only, by number. */
export function findPurchaseOrdersOfSuppliers(
  db: Kysely<ErpDatabase>,
  supplierIds: readonly string[],
  statuses: readonly string[] | null,
): Promise<PurchaseOrderRow[]> {
  let query = db.selectFrom('purchaseOrders').selectAll().where('supplierId', '=', (eb) => eb.fn.any(eb.val(supplierIds)));
  if (statuses) query = query.where('status', '=', (eb) => eb.fn.any(eb.val(statuses)));
  return query.orderBy('number').execute();
}

export function findLinesOfPurchaseOrders(db: Kysely<ErpDatabase>, poNumbers: readonly string[]): Promise<PurchaseOrderLineRow[]> {
  return db.selectFrom('purchaseOrderLines').selectAll().where('poNumber', '=', (eb) => eb.fn.any(eb.val(poNumbers))).orderBy('poNumber').orderBy('lineNumber').execute();
}

export function findReceiptsOfLines(db: Kysely<ErpDatabase>, keys: readonly PurchaseOrderLineKey[]): Promise<GoodsReceiptRow[]> {
  return db
    .selectFrom('goodsReceipts')
    .selectAll()
    .where(({ eb, refTuple }) =>
      eb(refTuple('poNumber', 'lineNumber'), 'in', unnestPairs(textArray(keys.map((k) => k.poNumber)), intArray(keys.map((k) => k.lineNumber)))),
    )
    .orderBy('receivedAt')
    .orderBy('documentNumber')
    .execute();
}

/** Locks a purchase order for the rest of the transaction. */
export function lockPurchaseOrder(db: Kysely<ErpDatabase>, number: string): Promise<PurchaseOrderRow | undefined> {
  return db.selectFrom('purchaseOrders').selectAll().where('number', '=', number).forUpdate().executeTakeFirst();
}

export function findLineByMaterial(db: Kysely<ErpDatabase>, poNumber: string, materialId: string): Promise<PurchaseOrderLineRow | undefined> {
  return db.selectFrom('purchaseOrderLines').selectAll().where('poNumber', '=', poNumber).where('materialId', '=', materialId).executeTakeFirst();
}

export function setPromisedDate(db: Kysely<ErpDatabase>, key: PurchaseOrderLineKey, promisedDate: string): Promise<PurchaseOrderLineRow> {
  return db
    .updateTable('purchaseOrderLines')
    .set({ promisedDate })
    .where('poNumber', '=', key.poNumber)
    .where('lineNumber', '=', key.lineNumber)
    .returningAll()
    .executeTakeFirstOrThrow();
}
