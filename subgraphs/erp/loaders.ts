import type { Kysely } from 'kysely';
import { createChangeHistoryLoader } from '../kit/audit-trail';
import { compositeRowLoader, rowLoader } from '../kit/loaders';
import type { ErpDatabase } from './db';
import { findCustomersByIds } from './customer/customer.repository';
import { findMaterialsByIds } from './material/material.repository';
import { findMaterialSitesByKeys, materialSiteKey, type MaterialSiteKey, type MaterialSiteRow } from './material-site/material-site.repository';
import { findWorkOrdersByIds } from './work-order/work-order.repository';

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
    changeHistory: createChangeHistoryLoader(db),
  };
}

export type ErpLoaders = ReturnType<typeof createErpLoaders>;
