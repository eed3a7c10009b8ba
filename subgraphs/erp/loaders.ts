import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { createChangeHistoryLoader } from '../kit/audit-trail';
import { compositeRowLoader, groupLoader, rowLoader } from '../kit/loaders';
import type { ErpDatabase } from './db';
import { findCustomersByIds } from './customer/customer.repository';
import { findCustomersOfLots, findSuppliersOfLots } from './lot/lot.repository';
import { findMaterialsByIds } from './material/material.repository';
import { findMaterialSitesByKeys, materialSiteKey, type MaterialSiteKey, type MaterialSiteRow } from './material-site/material-site.repository';
import {
  findLinesOfPurchaseOrders,
  findPurchaseOrdersOfSuppliers,
  findReceiptsOfLines,
  type GoodsReceiptRow,
  type PurchaseOrderLineKey,
} from './purchase-order/purchase-order.repository';
import { findSalesOrdersOfCustomers } from './sales-order/sales-order.repository';
import { findSuppliersByIds, sumReceivedLast12Months } from './supplier/supplier.repository';
import { findWorkOrdersByIds } from './work-order/work-order.repository';

/** A parent's id and the status filter of a list field (null: every status). */
export interface FilteredKey {
  id: string;
  statuses: readonly string[] | null;
}

const filteredKey = (k: FilteredKey) => `${k.id}\u0000${k.statuses ? [...new Set(k.statuses)].sort().join(',') : '*'}`;

/**
 * Children of many parents under a status filter: one statement per distinct filter in the
 * batch, so a list of parents asking the same filter costs one statement whatever its length.
 */
function filteredGroupLoader<R>(
  fetch: (ids: readonly string[], statuses: readonly string[] | null) => Promise<readonly R[]>,
  parentOf: (row: R) => string,
) {
  return new DataLoader<FilteredKey, R[], string>(
    async (keys) => {
      const filters = new Map<string, { statuses: readonly string[] | null; ids: Set<string> }>();
      for (const key of keys) {
        const filter = key.statuses ? [...new Set(key.statuses)].sort().join(',') : '*';
        const entry = filters.get(filter) ?? { statuses: key.statuses, ids: new Set<string>() };
        entry.ids.add(key.id);
        filters.set(filter, entry);
      }
      const results = new Map<string, R[]>();
      await Promise.all(
        [...filters.values()].map(async ({ statuses, ids }) => {
          const rows = statuses && statuses.length === 0 ? [] : await fetch([...ids], statuses);
          for (const id of ids) results.set(filteredKey({ id, statuses }), []);
          for (const row of rows) results.get(filteredKey({ id: parentOf(row), statuses }))!.push(row);
        }),
      );
      return keys.map((key) => results.get(filteredKey(key)) ?? []);
    },
    { cacheKeyFn: filteredKey },
  );
}

const lineKey = (k: PurchaseOrderLineKey) => `${k.poNumber}\u0000${k.lineNumber}`;

/** ERP's loaders; created per request so that no cache outlives the request that filled it. */
export function createErpLoaders(db: Kysely<ErpDatabase>) {
  return {
    material: rowLoader((ids: readonly string[]) => findMaterialsByIds(db, ids), (row) => row.id),
    materialSite: compositeRowLoader<MaterialSiteKey, MaterialSiteRow>(
      (keys) => findMaterialSitesByKeys(db, keys),
      materialSiteKey,
    ),
    customer: rowLoader((ids: readonly string[]) => findCustomersByIds(db, ids), (row) => row.id),
    workOrder: rowLoader((ids: readonly string[]) => findWorkOrdersByIds(db, ids), (row) => row.id),
    supplier: rowLoader((ids: readonly string[]) => findSuppliersByIds(db, ids), (row) => row.id),
    receivedQuantity12m: new DataLoader<string, number>(async (ids) => {
      const sums = new Map((await sumReceivedLast12Months(db, ids)).map((r) => [r.supplierId, Number(r.quantity)] as const));
      return ids.map((id) => sums.get(id) ?? 0);
    }),
    purchaseOrdersOfSupplier: filteredGroupLoader((ids, statuses) => findPurchaseOrdersOfSuppliers(db, ids, statuses), (row) => row.supplierId),
    purchaseOrderLines: groupLoader((numbers: readonly string[]) => findLinesOfPurchaseOrders(db, numbers), (row) => row.poNumber),
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
    salesOrdersOfCustomer: filteredGroupLoader((ids, statuses) => findSalesOrdersOfCustomers(db, ids, statuses), (row) => row.customerId),
    supplierOfLot: rowLoader((ids: readonly string[]) => findSuppliersOfLots(db, ids), (row) => row.lotId),
    customersOfLot: groupLoader((ids: readonly string[]) => findCustomersOfLots(db, ids), (row) => row.lotId),
    changeHistory: createChangeHistoryLoader(db),
  };
}

export type ErpLoaders = ReturnType<typeof createErpLoaders>;
