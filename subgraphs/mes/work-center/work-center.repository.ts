import type { Kysely } from 'kysely';
import type { MesDatabase } from '../db';
import type { ChangeStream } from '../../kit/events';

/** A work center's state changes, as live events that keep the changed row (`asOfChange`). */
export const WORK_CENTER_CHANGES: ChangeStream = { field: 'workCenterStateChanged', table: 'work_centers' };

export type WorkCenterRow = MesDatabase['workCenters'];

export interface WorkCenterFilter {
  siteId: string;
  area?: string | null;
}

/** Work centers by id, in no particular order. */
export function findWorkCentersByIds(db: Kysely<MesDatabase>, ids: readonly string[]): Promise<WorkCenterRow[]> {
  return db
    .selectFrom('workCenters')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** Work centers of a site (and area), by id. */
export function listWorkCenters(db: Kysely<MesDatabase>, filter: WorkCenterFilter): Promise<WorkCenterRow[]> {
  let query = db.selectFrom('workCenters').selectAll().where('siteId', '=', filter.siteId);
  if (filter.area) query = query.where('area', '=', filter.area);
  return query.orderBy('id').execute();
}

/** The work center, locked until the transaction ends; undefined when it does not exist. */
export function lockWorkCenter(db: Kysely<MesDatabase>, id: string): Promise<WorkCenterRow | undefined> {
  return db.selectFrom('workCenters').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Sets a work center's state and reason, stamping when it changed. */
export function updateWorkCenterState(
  db: Kysely<MesDatabase>,
  id: string,
  state: string,
  reasonCode: string | null,
): Promise<WorkCenterRow> {
  return db
    .updateTable('workCenters')
    .set({ state, stateReasonCode: reasonCode, stateChangedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
