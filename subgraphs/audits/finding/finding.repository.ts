import type { Kysely } from 'kysely';
import type { AuditsDatabase } from '../db';

export type FindingRow = AuditsDatabase['auditFindings'];

/**
 * The columns the AuditFinding type is served from: its fields, the audit it groups under, the NCR
 * it references. When it was opened and closed (`createdAt`, `closedAt`) only the use cases read.
 */
export const SERVED_FINDING_COLUMNS = [
  'id',
  'auditId',
  'question',
  'severity',
  'countermeasure',
  'status',
  'escalatedAt',
  'nonconformanceId',
] as const;

/** A finding as the graph serves it. */
export type ServedFindingRow = Pick<FindingRow, (typeof SERVED_FINDING_COLUMNS)[number]>;

export function findFindingsByAudits(db: Kysely<AuditsDatabase>, auditIds: readonly string[]): Promise<ServedFindingRow[]> {
  return db
    .selectFrom('auditFindings')
    .select(SERVED_FINDING_COLUMNS)
    .where('auditId', '=', (eb) => eb.fn.any(eb.val(auditIds)))
    .orderBy('auditId')
    .orderBy('id')
    .execute();
}

/** One finding of one audit, locked until the transaction ends. */
export function lockFinding(db: Kysely<AuditsDatabase>, auditId: string, findingId: string): Promise<FindingRow | undefined> {
  return db
    .selectFrom('auditFindings')
    .selectAll()
    .where('id', '=', findingId)
    .where('auditId', '=', auditId)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertFindings(db: Kysely<AuditsDatabase>, rows: readonly FindingRow[]): Promise<void> {
  if (rows.length) await db.insertInto('auditFindings').values(rows).execute();
}

export function closeFindingRow(db: Kysely<AuditsDatabase>, id: string, countermeasure: string, at: Date): Promise<FindingRow> {
  return db
    .updateTable('auditFindings')
    .set({ status: 'CLOSED', countermeasure, closedAt: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function markEscalated(db: Kysely<AuditsDatabase>, id: string, at: Date): Promise<FindingRow> {
  return db.updateTable('auditFindings').set({ escalatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Links the NCR quality created for an escalated finding. */
export async function linkNonconformance(db: Kysely<AuditsDatabase>, id: string, nonconformanceId: string): Promise<void> {
  await db.updateTable('auditFindings').set({ nonconformanceId }).where('id', '=', id).execute();
}
