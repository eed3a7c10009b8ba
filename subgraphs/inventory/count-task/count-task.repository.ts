import type { Kysely } from 'kysely';
import type { InventoryDatabase } from '../db';
import type { MaterialSiteKey } from '../material-site/material-site.repository';

export type CountTaskRow = InventoryDatabase['countTasks'];

export interface CountTaskFilter {
  siteId: string;
  status?: readonly string[] | null;
  scheduledFor?: string | null;
}

export function listCountTasks(db: Kysely<InventoryDatabase>, filter: CountTaskFilter): Promise<CountTaskRow[]> {
  let query = db.selectFrom('countTasks').selectAll().where('siteId', '=', filter.siteId);
  if (filter.status) {
    if (filter.status.length === 0) return Promise.resolve([]);
    query = query.where('status', 'in', filter.status);
  }
  if (filter.scheduledFor) query = query.where('scheduledFor', '=', filter.scheduledFor);
  return query.orderBy('scheduledFor').orderBy('id').execute();
}

export function findCountTasksByIds(db: Kysely<InventoryDatabase>, ids: readonly string[]): Promise<CountTaskRow[]> {
  return db.selectFrom('countTasks').selectAll().where('id', 'in', ids).execute();
}

/** The latest counted task of each material-site, one statement for the whole batch. */
export function findLastCounts(db: Kysely<InventoryDatabase>, keys: readonly MaterialSiteKey[]): Promise<CountTaskRow[]> {
  return db
    .selectFrom('countTasks')
    .selectAll()
    .distinctOn(['materialId', 'siteId'])
    .where(({ eb, refTuple, tuple }) => eb(refTuple('materialId', 'siteId'), 'in', keys.map((k) => tuple(k.materialId, k.siteId))))
    .where('countedAt', 'is not', null)
    .where('status', '<>', 'REJECTED')
    .orderBy('materialId')
    .orderBy('siteId')
    .orderBy('countedAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
