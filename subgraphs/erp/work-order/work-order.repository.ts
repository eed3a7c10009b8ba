import type { Kysely } from 'kysely';
import { keysetPage, type Keyset, type Page } from '../../kit/paging';
import type { ErpDatabase } from '../db';

export type WorkOrderRow = ErpDatabase['workOrders'];

export interface WorkOrderFilter {
  siteId: string;
  status?: readonly string[] | null;
  dueBefore?: string | null;
}

export function findWorkOrdersByIds(db: Kysely<ErpDatabase>, ids: readonly string[]): Promise<WorkOrderRow[]> {
  return db
    .selectFrom('workOrders')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** Work orders page by due date, then id (`due_date` is a `date`, read as text: exact in a cursor). */
export const WORK_ORDERS_KEYSET: Keyset = { list: 'workOrders', columns: ['dueDate', 'id'], kinds: ['date', 'text'], direction: 'asc' };

/** One page of a site's work orders under the filter, by due date then id. */
export function listWorkOrders(db: Kysely<ErpDatabase>, filter: WorkOrderFilter, page: Page): Promise<WorkOrderRow[]> {
  let query = db.selectFrom('workOrders').selectAll().where('siteId', '=', filter.siteId);
  const { status } = filter;
  if (status) {
    if (status.length === 0) return Promise.resolve([]);
    // One status compares with `=`, so that the status index serves the page in key order
    // (PostgreSQL reads `= any(…)` from an index out of order, and would filter or sort).
    query =
      status.length === 1
        ? query.where('orderStatus', '=', status[0]!)
        : query.where('orderStatus', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  if (filter.dueBefore) query = query.where('dueDate', '<', filter.dueBefore);
  return keysetPage(query, WORK_ORDERS_KEYSET, page).execute();
}

/** Locks a work order for the rest of the transaction. */
export function lockWorkOrder(db: Kysely<ErpDatabase>, id: string): Promise<WorkOrderRow | undefined> {
  return db.selectFrom('workOrders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function setWorkOrderStatus(db: Kysely<ErpDatabase>, id: string, orderStatus: string): Promise<WorkOrderRow> {
  return db.updateTable('workOrders').set({ orderStatus }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
