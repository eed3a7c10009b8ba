import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { createChangeHistoryLoader } from '../kit/audit-trail';
import { compositeRowLoader, groupLoader, rowLoader } from '../kit/loaders';
import { filteredPageLoaders, toConnection, type Keyset, type Page } from '../kit/paging';
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

/** One key per distinct status filter of a list field (null: every status). */
const statusFilter = (statuses: readonly string[] | null) => (statuses ? [...new Set(statuses)].sort().join(',') : '*');

/**
 * Pages of a nested list under a status filter: the parents asking for the same page with the
 * same filter are one statement, whatever their number and wherever the page is; an empty filter
 * asks nothing.
 */
function statusPageLoaders<R extends object>(
  fetch: (ids: readonly string[], statuses: readonly string[] | null, page: Page) => Promise<R[][]>,
  keyset: Keyset,
) {
  return filteredPageLoaders(statusFilter, async (ids: readonly string[], page, statuses: readonly string[] | null) => {
    const pages = statuses && statuses.length === 0 ? ids.map(() => []) : await fetch(ids, statuses, page);
    return pages.map((rows) => toConnection(rows, page, keyset));
  });
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
    purchaseOrdersOfSupplier: statusPageLoaders(
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
    salesOrdersOfCustomer: statusPageLoaders(
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
