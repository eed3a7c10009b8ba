import { sql, type Expression, type Kysely, type SelectQueryBuilder } from 'kysely';
import { keysetPage, pagesByParent, type Keyset, type Page } from '../../kit/paging';
import type { AuditsDatabase } from '../db';

export type AuditRow = AuditsDatabase['audits'];

/**
 * The columns the Audit type is served from: its fields and the keys of its references. The
 * completion record (`questionsChecked`, `completedAt`) is the use cases' only (they lock and read
 * whole rows): a work center's page of a thousand audits does not parse a timestamp per row for it.
 */
export const SERVED_AUDIT_COLUMNS = [
  'id',
  'auditType',
  'layer',
  'checklistName',
  'workCenterId',
  'materialId',
  'auditor',
  'scheduledFor',
  'status',
  'conformanceRate',
] as const;

/** An audit as the graph serves it. */
export type ServedAuditRow = Pick<AuditRow, (typeof SERVED_AUDIT_COLUMNS)[number]>;
export type ResponseRow = AuditsDatabase['auditResponses'];

export interface AuditFilter {
  workCenterIds?: readonly string[] | null;
  status?: readonly string[] | null;
  from?: string | null;
  to?: string | null;
  layer?: number | null;
}

/** A work center's audits are filtered by dates and layer only. */
export type WorkCenterAuditFilter = Pick<AuditFilter, 'from' | 'to' | 'layer'>;

// scheduled_for is a `date`, which reaches the code as "YYYY-MM-DD" text: exact in a cursor.
const BY_DATE = ['scheduledFor', 'id'] as const;

/** `audits` pages in date order, then by audit number. */
export const AUDITS_KEYSET: Keyset = { list: 'audits', columns: BY_DATE, kinds: ['date', 'text'], direction: 'asc' };

/** A work center's `audits` page in the same order. */
export const WORK_CENTER_AUDITS_KEYSET: Keyset = { list: 'WorkCenter.audits', columns: BY_DATE, kinds: ['date', 'text'], direction: 'asc' };

export function findAuditsByIds(db: Kysely<AuditsDatabase>, ids: readonly string[]): Promise<ServedAuditRow[]> {
  return db
    .selectFrom('audits')
    .select(SERVED_AUDIT_COLUMNS)
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

type AuditQuery = SelectQueryBuilder<AuditsDatabase, 'audits', ServedAuditRow>;

/** Adds the date (inclusive) and layer filters. */
function withDatesAndLayer(query: AuditQuery, filter: WorkCenterAuditFilter): AuditQuery {
  if (filter.from) query = query.where('scheduledFor', '>=', filter.from);
  if (filter.to) query = query.where('scheduledFor', '<=', filter.to);
  if (filter.layer !== null && filter.layer !== undefined) query = query.where('layer', '=', filter.layer);
  return query;
}

/** One page of the audits matching a filter (dates inclusive), in date order. */
export function listAudits(db: Kysely<AuditsDatabase>, filter: AuditFilter, page: Page): Promise<ServedAuditRow[]> {
  let query: AuditQuery = db.selectFrom('audits').select(SERVED_AUDIT_COLUMNS);
  const { workCenterIds, status } = filter;
  if (workCenterIds) {
    if (workCenterIds.length === 0) return Promise.resolve([]);
    query = query.where('workCenterId', '=', (eb) => eb.fn.any(eb.val(workCenterIds)));
  }
  if (status) {
    if (status.length === 0) return Promise.resolve([]);
    query = query.where('status', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  return keysetPage(withDatesAndLayer(query, filter), AUDITS_KEYSET, page).execute();
}

/** One page of the audits of each of many work centers, in date order, in one statement for the batch. */
export function findAuditPagesByWorkCenters(
  db: Kysely<AuditsDatabase>,
  workCenterIds: readonly string[],
  filter: WorkCenterAuditFilter,
  page: Page,
): Promise<ServedAuditRow[][]> {
  return pagesByParent(db, workCenterIds, WORK_CENTER_AUDITS_KEYSET, page, (workCenterId: Expression<string>) =>
    withDatesAndLayer(db.selectFrom('audits').select(SERVED_AUDIT_COLUMNS).where('workCenterId', '=', workCenterId), filter),
  );
}

export function lockAudit(db: Kysely<AuditsDatabase>, id: string): Promise<AuditRow | undefined> {
  return db.selectFrom('audits').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export type NewAudit = Omit<AuditRow, 'id' | 'conformanceRate' | 'questionsChecked' | 'completedAt'>;

/** Schedules an audit with the next audit number. */
export function insertAudit(db: Kysely<AuditsDatabase>, row: NewAudit): Promise<AuditRow> {
  return db
    .insertInto('audits')
    .values({ ...row, id: sql<string>`'AU' || lpad(nextval('audit_number')::text, 7, '0')` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertResponses(db: Kysely<AuditsDatabase>, rows: readonly ResponseRow[]): Promise<void> {
  if (rows.length) await db.insertInto('auditResponses').values(rows).execute();
}

export function completeAudit(
  db: Kysely<AuditsDatabase>,
  id: string,
  conformanceRate: number,
  questionsChecked: number,
  at: Date,
): Promise<AuditRow> {
  return db
    .updateTable('audits')
    .set({ status: 'COMPLETED', conformanceRate, questionsChecked, completedAt: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
