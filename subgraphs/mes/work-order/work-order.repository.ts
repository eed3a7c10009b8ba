import type { Kysely, Updateable } from 'kysely';
import type { MesDatabase } from '../db';

export type WorkOrderRow = MesDatabase['workOrders'];

/** Execution records by work order id, in no particular order. */
export function findWorkOrdersByIds(db: Kysely<MesDatabase>, ids: readonly string[]): Promise<WorkOrderRow[]> {
  return db
    .selectFrom('workOrders')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** The work order's execution record, locked until the transaction ends. */
export function lockWorkOrder(db: Kysely<MesDatabase>, id: string): Promise<WorkOrderRow | undefined> {
  return db.selectFrom('workOrders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Changes a work order's execution record, stamping when it changed. */
export function updateWorkOrder(
  db: Kysely<MesDatabase>,
  id: string,
  patch: Pick<Updateable<MesDatabase['workOrders']>, 'dispatchStatus' | 'goodQuantity' | 'scrapQuantity' | 'workCenterId'>,
): Promise<WorkOrderRow> {
  return db
    .updateTable('workOrders')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
