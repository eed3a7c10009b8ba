import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../../subgraphs/erp/db';
import type { InventoryDatabase } from '../../subgraphs/inventory/db';
import type { MesDatabase } from '../../subgraphs/mes/db';

/**
 * Rows of the seed world that tests act on, read straight from a system's database: the first
 * SCHEDULED counts of a site, a material's book quantity, a line of a supplier's open order, the
 * first work order of a site.
 */

/** The first `limit` SCHEDULED count tasks of a site, by id. */
export function scheduledCountTasks(inventory: Kysely<InventoryDatabase>, siteId: string, limit = 1) {
  return inventory
    .selectFrom('countTasks')
    .select(['id', 'materialId'])
    .where('status', '=', 'SCHEDULED')
    .where('siteId', '=', siteId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** ERP's book quantity of a material at a site, as a number. */
export async function bookQuantityOf(erp: Kysely<ErpDatabase>, materialId: string, siteId: string): Promise<number> {
  const row = await erp
    .selectFrom('materialSites')
    .select('bookQuantity')
    .where('materialId', '=', materialId)
    .where('siteId', '=', siteId)
    .executeTakeFirstOrThrow();
  return Number(row.bookQuantity);
}

/** The first line (by order number) of an OPEN or PARTIALLY_RECEIVED purchase order of a supplier. */
export function openOrderLineOf(erp: Kysely<ErpDatabase>, supplierId: string) {
  return erp
    .selectFrom('purchaseOrderLines as l')
    .innerJoin('purchaseOrders as o', 'o.number', 'l.poNumber')
    .select(['l.poNumber', 'l.materialId'])
    .where('o.supplierId', '=', supplierId)
    .where('o.status', 'in', ['OPEN', 'PARTIALLY_RECEIVED'])
    .orderBy('l.poNumber')
    .limit(1)
    .executeTakeFirstOrThrow();
}

/** The first work order of a site in MES, by id. */
export function firstWorkOrderOf(mes: Kysely<MesDatabase>, siteId: string) {
  return mes.selectFrom('workOrders').select(['id']).where('siteId', '=', siteId).orderBy('id').limit(1).executeTakeFirstOrThrow();
}
