import type { Kysely } from 'kysely';
import type { AuditsDatabase } from '../db';

export type FindingRow = AuditsDatabase['auditFindings'];

export function findFindingsByAudits(db: Kysely<AuditsDatabase>, auditIds: readonly string[]): Promise<FindingRow[]> {
  return db
    .selectFrom('auditFindings')
    .selectAll()
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
