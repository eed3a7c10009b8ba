import { sql, type Kysely } from 'kysely';
import type { AuditsDatabase } from '../db';

export type AuditRow = AuditsDatabase['audits'];
export type ResponseRow = AuditsDatabase['auditResponses'];

export interface AuditFilter {
  workCenterIds?: readonly string[] | null;
  status?: readonly string[] | null;
  from?: string | null;
  to?: string | null;
  layer?: number | null;
}

export function findAuditsByIds(db: Kysely<AuditsDatabase>, ids: readonly string[]): Promise<AuditRow[]> {
  return db.selectFrom('audits').selectAll().where('id', '=', (eb) => eb.fn.any(eb.val(ids))).execute();
}

/** Audits matching a filter (dates inclusive), in date order. */
export function listAudits(db: Kysely<AuditsDatabase>, filter: AuditFilter): Promise<AuditRow[]> {
  let query = db.selectFrom('audits').selectAll();
  const { workCenterIds, status } = filter;
  if (workCenterIds) {
    if (workCenterIds.length === 0) return Promise.resolve([]);
    query = query.where('workCenterId', '=', (eb) => eb.fn.any(eb.val(workCenterIds)));
  }
  if (status) {
    if (status.length === 0) return Promise.resolve([]);
    query = query.where('status', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  if (filter.from) query = query.where('scheduledFor', '>=', filter.from);
  if (filter.to) query = query.where('scheduledFor', '<=', filter.to);
  if (filter.layer !== null && filter.layer !== undefined) query = query.where('layer', '=', filter.layer);
  return query.orderBy('scheduledFor').orderBy('id').execute();
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

export function completeAudit(db: Kysely<AuditsDatabase>, id: string, conformanceRate: number, questionsChecked: number, at: Date): Promise<AuditRow> {
  return db
    .updateTable('audits')
    .set({ status: 'COMPLETED', conformanceRate, questionsChecked, completedAt: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
