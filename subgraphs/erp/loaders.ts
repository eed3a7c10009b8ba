import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { createChangeHistoryLoader } from '../kit/audit-trail';
import { compositeRowLoader, groupLoader, rowLoader } from '../kit/loaders';
import { pageLoaders, toConnection, type Connection, type Keyset, type Page } from '../kit/paging';
import type { ErpDatabase } from './db';
import { findCustomersByIds } from './customer/customer.repository';
import { findCustomersOfLots, findSuppliersOfLots } from './lot/lot.repository';
import { findMaterialsByIds } from './material/material.repository';
import {
  findMaterialSitesByKeys,
  materialSiteKey,
  type MaterialSiteKey,
  type MaterialSiteRow,
} from './material-site/material-site.repository';
import {
  findLinesOfPurchaseOrders,
  findReceiptsOfLines,
  pagePurchaseOrdersOfSuppliers,
  SUPPLIER_PURCHASE_ORDERS_KEYSET,
  type GoodsReceiptRow,
  type PurchaseOrderLineKey,
} from './purchase-order/purchase-order.repository';
import { CUSTOMER_SALES_ORDERS_KEYSET, pageSalesOrdersOfCustomers } from './sales-order/sales-order.repository';
import { findSuppliersByIds, sumReceivedLast12Months } from './supplier/supplier.repository';
import { findWorkOrdersByIds } from './work-order/work-order.repository';

/** A parent's id and the status filter of a list field (null: every status). */
export interface FilteredKey {
  id: string;
  statuses: readonly string[] | null;
}

const statusFilter = (statuses: readonly string[] | null) => (statuses ? [...new Set(statuses)].sort().join(',') : '*');
const filteredKey = (k: FilteredKey) => `${k.id}\u0000${statusFilter(k.statuses)}`;

/**
 * Pages of a nested list under a status filter: the parents asking for the same page with the
 * same filter are one statement, so a level of a query costs one statement per distinct filter,
 * whatever the number of parents and wherever the page is.
 */
function filteredPageLoader<R extends object>(
  fetch: (ids: readonly string[], statuses: readonly string[] | null, page: Page) => Promise<R[][]>,
  keyset: Keyset,
) {
  return pageLoaders<FilteredKey, Connection<R>>(async (keys, page) => {
    const filters = new Map<string, { statuses: readonly string[] | null; ids: string[] }>();
    for (const key of keys) {
      const filter = statusFilter(key.statuses);
      const entry = filters.get(filter) ?? { statuses: key.statuses, ids: [] };
      entry.ids.push(key.id);
      filters.set(filter, entry);
    }
    const pages = new Map<string, R[]>();
    await Promise.all(
      [...filters.values()].map(async ({ statuses, ids }) => {
        const rows = statuses && statuses.length === 0 ? ids.map(() => []) : await fetch(ids, statuses, page);
        ids.forEach((id, i) => pages.set(filteredKey({ id, statuses }), rows[i]!));
      }),
    );
    return keys.map((key) => toConnection(pages.get(filteredKey(key)) ?? [], page, keyset));
  }, filteredKey);
}

const lineKey = (k: PurchaseOrderLineKey) => `${k.poNumber}\u0000${k.lineNumber}`;

/** ERP's loaders; created per request so that no cache outlives the request that filled it. */
export function createErpLoaders(db: Kysely<ErpDatabase>) {
  return {
    material: rowLoader(
      (ids: readonly string[]) => findMaterialsByIds(db, ids),
      (row) => row.id,
    ),
    materialSite: compositeRowLoader<MaterialSiteKey, MaterialSiteRow>((keys) => findMaterialSitesByKeys(db, keys), materialSiteKey),
    customer: rowLoader(
      (ids: readonly string[]) => findCustomersByIds(db, ids),
      (row) => row.id,
    ),
    workOrder: rowLoader(
      (ids: readonly string[]) => findWorkOrdersByIds(db, ids),
      (row) => row.id,
    ),
    supplier: rowLoader(
      (ids: readonly string[]) => findSuppliersByIds(db, ids),
      (row) => row.id,
    ),
    receivedQuantity12m: new DataLoader<string, number>(async (ids) => {
      const sums = new Map((await sumReceivedLast12Months(db, ids)).map((r) => [r.supplierId, Number(r.quantity)] as const));
      return ids.map((id) => sums.get(id) ?? 0);
    }),
    purchaseOrdersOfSupplier: filteredPageLoader(
      (ids, statuses, page) => pagePurchaseOrdersOfSuppliers(db, ids, statuses, page),
      SUPPLIER_PURCHASE_ORDERS_KEYSET,
    ),
    purchaseOrderLines: groupLoader(
      (numbers: readonly string[]) => findLinesOfPurchaseOrders(db, numbers),
      (row) => row.poNumber,
    ),
    receiptsOfLine: new DataLoader<PurchaseOrderLineKey, GoodsReceiptRow[], string>(
      async (keys) => {
        const groups = new Map<string, GoodsReceiptRow[]>();
        for (const row of await findReceiptsOfLines(db, keys)) {
          const key = lineKey(row);
          const group = groups.get(key);
          if (group) group.push(row);
          else groups.set(key, [row]);
        }
        return keys.map((key) => groups.get(lineKey(key)) ?? []);
      },
      { cacheKeyFn: lineKey },
    ),
    salesOrdersOfCustomer: filteredPageLoader(
      (ids, statuses, page) => pageSalesOrdersOfCustomers(db, ids, statuses, page),
      CUSTOMER_SALES_ORDERS_KEYSET,
    ),
    supplierOfLot: rowLoader(
      (ids: readonly string[]) => findSuppliersOfLots(db, ids),
      (row) => row.lotId,
    ),
    customersOfLot: groupLoader(
      (ids: readonly string[]) => findCustomersOfLots(db, ids),
      (row) => row.lotId,
    ),
    changeHistory: createChangeHistoryLoader(db),
  };
}

export type ErpLoaders = ReturnType<typeof createErpLoaders>;
