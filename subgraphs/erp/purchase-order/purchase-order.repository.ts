import type { Expression, Kysely } from 'kysely';
import { intArray, textArray, unnestPairs } from '../../../platform/db/key-arrays';
import { keysetPage, pagesByParent, type Keyset, type Page } from '../../kit/paging';
import type { ErpDatabase } from '../db';
import type { ChangeStream } from '../../kit/events';

/** Delivery dates confirmed on a supplier's orders, as live events that keep the changed row (`asOfChange`). */
export const PURCHASE_ORDER_CHANGES: ChangeStream = { field: 'purchaseOrderChanged', table: 'purchase_orders' };

export type PurchaseOrderRow = ErpDatabase['purchaseOrders'];
export type PurchaseOrderLineRow = ErpDatabase['purchaseOrderLines'];
export type GoodsReceiptRow = ErpDatabase['goodsReceipts'];

export interface PurchaseOrderLineKey {
  poNumber: string;
  lineNumber: number;
}

/** A partner's own purchase orders page by number. */
export const MY_PURCHASE_ORDERS_KEYSET: Keyset = { list: 'myPurchaseOrders', columns: ['number'], kinds: ['text'], direction: 'asc' };

/** A supplier's purchase orders page by number. */
export const SUPPLIER_PURCHASE_ORDERS_KEYSET: Keyset = {
  list: 'Supplier.purchaseOrders',
  columns: ['number'],
  kinds: ['text'],
  direction: 'asc',
};

function purchaseOrdersOf(db: Kysely<ErpDatabase>, supplierId: string | Expression<string>, statuses: readonly string[] | null) {
  const query = db.selectFrom('purchaseOrders').selectAll().where('supplierId', '=', supplierId);
  if (!statuses) return query;
  // One status compares with `=`, so that the status index serves the page in key order.
  return statuses.length === 1 ? query.where('status', '=', statuses[0]!) : query.where('status', '=', (eb) => eb.fn.any(eb.val(statuses)));
}

/** One page of one supplier's purchase orders, optionally of some statuses only, by number. */
export function listPurchaseOrdersOfSupplier(
  db: Kysely<ErpDatabase>,
  supplierId: string,
  statuses: readonly string[] | null,
  page: Page,
): Promise<PurchaseOrderRow[]> {
  if (statuses && statuses.length === 0) return Promise.resolve([]);
  return keysetPage(purchaseOrdersOf(db, supplierId, statuses), MY_PURCHASE_ORDERS_KEYSET, page).execute();
}

/** The page of purchase orders of each supplier (same order as `supplierIds`) under one status filter, in one statement. */
export function pagePurchaseOrdersOfSuppliers(
  db: Kysely<ErpDatabase>,
  supplierIds: readonly string[],
  statuses: readonly string[] | null,
  page: Page,
): Promise<PurchaseOrderRow[][]> {
  return pagesByParent(db, supplierIds, SUPPLIER_PURCHASE_ORDERS_KEYSET, page, (supplierId) => purchaseOrdersOf(db, supplierId, statuses));
}

export function findLinesOfPurchaseOrders(db: Kysely<ErpDatabase>, poNumbers: readonly string[]): Promise<PurchaseOrderLineRow[]> {
  return db
    .selectFrom('purchaseOrderLines')
    .selectAll()
    .where('poNumber', '=', (eb) => eb.fn.any(eb.val(poNumbers)))
    .orderBy('poNumber')
    .orderBy('lineNumber')
    .execute();
}

export function findReceiptsOfLines(db: Kysely<ErpDatabase>, keys: readonly PurchaseOrderLineKey[]): Promise<GoodsReceiptRow[]> {
  return db
    .selectFrom('goodsReceipts')
    .selectAll()
    .where(({ eb, refTuple }) =>
      eb(
        refTuple('poNumber', 'lineNumber'),
        'in',
        unnestPairs(textArray(keys.map((k) => k.poNumber)), intArray(keys.map((k) => k.lineNumber))),
      ),
    )
    .orderBy('receivedAt')
    .orderBy('documentNumber')
    .execute();
}

/** A purchase order by number. */
export function findPurchaseOrderByNumber(db: Kysely<ErpDatabase>, number: string): Promise<PurchaseOrderRow | undefined> {
  return db.selectFrom('purchaseOrders').selectAll().where('number', '=', number).executeTakeFirst();
}

/** Locks a purchase order for the rest of the transaction. */
export function lockPurchaseOrder(db: Kysely<ErpDatabase>, number: string): Promise<PurchaseOrderRow | undefined> {
  return db.selectFrom('purchaseOrders').selectAll().where('number', '=', number).forUpdate().executeTakeFirst();
}

export function findLineByMaterial(
  db: Kysely<ErpDatabase>,
  poNumber: string,
  materialId: string,
): Promise<PurchaseOrderLineRow | undefined> {
  return db
    .selectFrom('purchaseOrderLines')
    .selectAll()
    .where('poNumber', '=', poNumber)
    .where('materialId', '=', materialId)
    .executeTakeFirst();
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
