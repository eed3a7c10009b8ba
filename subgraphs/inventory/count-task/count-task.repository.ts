import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { textArray, unnestPairs } from '../../../platform/db/key-arrays';
import type { InventoryDatabase } from '../db';
import type { MaterialSiteKey } from '../material-site/material-site.repository';
// The keyset functions alone: a repository needs none of the kit's GraphQL types.
import { keysetPage } from '../../kit/paging/keyset';
import type { Keyset, Page } from '../../kit/paging';
import { recordChangeEvent, type ChangeStream } from '../../kit/events';

/** A count task's status changes, as live events that keep the changed row (`asOfChange`). */
export const COUNT_TASK_CHANGES: ChangeStream = { field: 'countTaskChanged', table: 'count_tasks' };

export type CountTaskRow = Selectable<InventoryDatabase['countTasks']>;

export interface CountTaskFilter {
  siteId: string;
  status?: readonly string[] | null;
  scheduledFor?: string | null;
}

/** Count tasks page by scheduled date, then id: both exact (a `date` reads as text), and (site_id, scheduled_for, id) serves it. */
export const COUNT_TASKS_KEYSET: Keyset = {
  list: 'countTasks',
  columns: ['scheduledFor', 'id'],
  kinds: ['date', 'text'],
  direction: 'asc',
};

/** The tasks matching a filter, or null when the filter cannot match (an empty status list). */
function countTasksMatching(db: Kysely<InventoryDatabase>, filter: CountTaskFilter) {
  let query = db.selectFrom('countTasks').selectAll().where('siteId', '=', filter.siteId);
  const { status } = filter;
  if (status) {
    if (status.length === 0) return null;
    query = query.where('status', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  if (filter.scheduledFor) query = query.where('scheduledFor', '=', filter.scheduledFor);
  return query;
}

/** Every task matching the filter, by scheduled date, then id (a date's tasks, for the scheduling result). */
export async function listCountTasks(db: Kysely<InventoryDatabase>, filter: CountTaskFilter): Promise<CountTaskRow[]> {
  const query = countTasksMatching(db, filter);
  return query ? query.orderBy('scheduledFor').orderBy('id').execute() : [];
}

/** One page of the tasks matching the filter (`first + 1` rows: the extra one tells a next page exists). */
export async function pageCountTasks(db: Kysely<InventoryDatabase>, filter: CountTaskFilter, page: Page): Promise<CountTaskRow[]> {
  const query = countTasksMatching(db, filter);
  return query ? keysetPage(query, COUNT_TASKS_KEYSET, page).execute() : [];
}

export function findCountTasksByIds(db: Kysely<InventoryDatabase>, ids: readonly string[]): Promise<CountTaskRow[]> {
  return db
    .selectFrom('countTasks')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** The latest counted task of each material-site, one statement for the whole batch. */
export function findLastCounts(db: Kysely<InventoryDatabase>, keys: readonly MaterialSiteKey[]): Promise<CountTaskRow[]> {
  return db
    .selectFrom('countTasks')
    .selectAll()
    .distinctOn(['materialId', 'siteId'])
    .where(({ eb, refTuple }) =>
      eb(
        refTuple('materialId', 'siteId'),
        'in',
        unnestPairs(textArray(keys.map((k) => k.materialId)), textArray(keys.map((k) => k.siteId))),
      ),
    )
    .where('countedAt', 'is not', null)
    .where('status', '<>', 'REJECTED')
    .orderBy('materialId')
    .orderBy('siteId')
    .orderBy('countedAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Locks one task for the rest of the transaction (a workflow step reads and writes it under the lock). */
export function lockCountTask(trx: Kysely<InventoryDatabase>, id: string): Promise<CountTaskRow | undefined> {
  return trx.selectFrom('countTasks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Updates a task; a change of status is also a change event for live subscribers, in the same transaction. */
export async function updateCountTask(
  trx: Kysely<InventoryDatabase>,
  id: string,
  patch: Updateable<InventoryDatabase['countTasks']>,
): Promise<CountTaskRow> {
  const row = await trx.updateTable('countTasks').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  if (patch.status !== undefined) await recordChangeEvent(trx, { ...COUNT_TASK_CHANGES, scope: row.siteId, key: { id: row.id } });
  return row;
}

/** Statuses of a task that is still under way: a material with one is not scheduled again. */
export const OPEN_STATUSES = ['SCHEDULED', 'COUNTED', 'RECOUNT_REQUIRED', 'PENDING_APPROVAL', 'APPROVED'] as const;

/**
 * Creates a SCHEDULED task for `date` for every material of the site that is due under its
 * class's policy: its last valid count is older than 365 / countsPerYear days before `date` (or
 * it was never counted) and no task of it is under way. Task ids derive from site, date and
 * material, and a per-site lock serialises concurrent calls, so repeating a call creates nothing.
 */
export async function scheduleDueCounts(trx: Kysely<InventoryDatabase>, siteId: string, date: string): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext(${`inventory.schedule:${siteId}`}))`.execute(trx);
  const result = await sql`
    insert into count_tasks (id, material_id, site_id, bin_code, scheduled_for, status)
    select 'CT-' || p.site_id || '-' || to_char(${date}::date, 'YYYYMMDD') || '-' || p.material_id,
           p.material_id, p.site_id, coalesce(p.bin_codes[1], 'UNSLOTTED'), ${date}::date, 'SCHEDULED'
    from material_site_profiles p
    join count_policies c on c.site_id = p.site_id and c.abc_class = p.abc_class
    where p.site_id = ${siteId}
      and not exists (
        select 1 from count_tasks t
        where t.material_id = p.material_id and t.site_id = p.site_id and t.status in (${sql.join([...OPEN_STATUSES])}))
      and not exists (
        select 1 from count_tasks t
        where t.material_id = p.material_id and t.site_id = p.site_id and t.status <> 'REJECTED'
          and t.counted_at is not null
          and t.counted_at > ${date}::date - make_interval(secs => 86400 * 365.0 / c.counts_per_year))
    on conflict (id) do nothing`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
