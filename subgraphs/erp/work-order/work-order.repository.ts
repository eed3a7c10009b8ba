import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

export type WorkOrderRow = ErpDatabase['workOrders'];

export interface WorkOrderFilter {
  siteId: string;
  status?: readonly string[] | null;
  dueBefore?: string | null;
}

export function findWorkOrdersByIds(db: Kysely<ErpDatabase>, ids: readonly string[]): Promise<WorkOrderRow[]> {
  return db.selectFrom('workOrders').selectAll().where('id', '=', (eb) => eb.fn.any(eb.val(ids))).execute();
}

export function listWorkOrders(db: Kysely<ErpDatabase>, filter: WorkOrderFilter): Promise<WorkOrderRow[]> {
  let query = db.selectFrom('workOrders').selectAll().where('siteId', '=', filter.siteId);
  const { status } = filter;
  if (status) {
    if (status.length === 0) return Promise.resolve([]);
    query = query.where('orderStatus', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  if (filter.dueBefore) query = query.where('dueDate', '<', filter.dueBefore);
  return query.orderBy('dueDate').orderBy('id').execute();
}

/** Locks a work order for the rest of the transaction. */
export function lockWorkOrder(db: Kysely<ErpDatabase>, id: string): Promise<WorkOrderRow | undefined> {
  return db.selectFrom('workOrders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function setWorkOrderStatus(db: Kysely<ErpDatabase>, id: string, orderStatus: string): Promise<WorkOrderRow> {
  return db.updateTable('workOrders').set({ orderStatus }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
