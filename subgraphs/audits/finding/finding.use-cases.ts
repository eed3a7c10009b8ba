import type { Kysely } from 'kysely';
import { badInput, notFound, userError } from '../../kit/errors';
import { lockAudit } from '../audit/audit.repository';
import type { AuditsDatabase } from '../db';
import { enqueueEscalation } from './escalation.handoff';
import { optionalText } from '../../kit/validation';
import { closeFindingRow, lockFinding, markEscalated, type FindingRow } from './finding.repository';
import { transact } from '../../../platform/db/transact';
import { preview } from '../../../platform/preview';
import { requireMaterial } from '../../kit/material-numbers';

async function lockOpenFinding(trx: Kysely<AuditsDatabase>, auditId: string, findingId: string, action: string) {
  const audit = await lockAudit(trx, auditId);
  if (!audit) throw notFound('Audit', auditId);
  const finding = await lockFinding(trx, auditId, findingId);
  if (!finding) throw notFound('AuditFinding', findingId);
  if (finding.status !== 'OPEN')
    throw userError('INVALID_STATE', `finding "${findingId}" is ${finding.status}; only an OPEN finding can be ${action}`, {
      status: finding.status,
    });
  return { audit, finding };
}

/** Closes an open finding with the countermeasure taken. */
export async function closeFinding(
  db: Kysely<AuditsDatabase>,
  auditId: string,
  findingId: string,
  countermeasure: string,
  now = new Date(),
): Promise<FindingRow> {
  const action = countermeasure?.trim();
  if (!action) throw badInput('countermeasure', `expected a non-empty text, got ${preview(countermeasure ?? null)}`);
  return transact(db, async (trx) => {
    await lockOpenFinding(trx, auditId, findingId, 'closed');
    return closeFindingRow(trx, findingId, action, now);
  });
}

/**
 * Escalates an open finding to a quality NCR (source AUDIT): records the escalation and hands
 * createNonconformance to quality through the outbox in one transaction. The NCR names the
 * audit's material, or `materialId` when the audit names none.
 */
export async function escalateFinding(
  db: Kysely<AuditsDatabase>,
  auditId: string,
  findingId: string,
  materialId?: string | null,
  now = new Date(),
): Promise<FindingRow> {
  return transact(db, async (trx) => {
    const { audit, finding } = await lockOpenFinding(trx, auditId, findingId, 'escalated');
    if (finding.escalatedAt) {
      const ncr = finding.nonconformanceId ? `NCR ${finding.nonconformanceId}` : 'its NCR is being created';
      throw userError('INVALID_STATE', `finding "${findingId}" is OPEN and escalated already (${ncr})`, { status: finding.status });
    }
    const given = optionalText(materialId);
    if (given) await requireMaterial(trx, 'materialId', given);
    const material = given || audit.materialId;
    if (!material) throw badInput('materialId', `audit "${auditId}" names no material; give the material the finding concerns`);
    const escalated = await markEscalated(trx, findingId, now);
    await enqueueEscalation(trx, audit, escalated, material);
    return escalated;
  });
}
