import type { Kysely } from 'kysely';
import { lockAudit, type AuditRow } from '../audit/audit.repository';
import type { AuditsDatabase } from '../db';
import { enqueueEscalation } from './escalation.handoff';
import { optionalText, requireText } from '../../kit/validation';
import { closeFindingRow, lockFinding, markEscalated, type FindingRow } from './finding.repository';
import { unknownMaterial } from '../../kit/material-numbers';
import { inTransaction, invalid, invalidState, missing, type Outcome, success } from '../../kit/outcome';

async function lockOpenFinding(
  trx: Kysely<AuditsDatabase>,
  auditId: string,
  findingId: string,
  action: string,
): Promise<Outcome<{ audit: AuditRow; finding: FindingRow }>> {
  const audit = await lockAudit(trx, auditId);
  if (!audit) return missing('Audit', auditId);
  const finding = await lockFinding(trx, auditId, findingId);
  if (!finding) return missing('AuditFinding', findingId);
  if (finding.status !== 'OPEN') {
    return invalidState(`finding "${findingId}" is ${finding.status}; only an OPEN finding can be ${action}`, finding.status);
  }
  return success({ audit, finding });
}

/** Closes an open finding with the countermeasure taken. */
export async function closeFinding(
  db: Kysely<AuditsDatabase>,
  auditId: string,
  findingId: string,
  countermeasure: string,
  now = new Date(),
): Promise<Outcome<FindingRow>> {
  const action = requireText('countermeasure', countermeasure);
  if (!action.ok) return action;
  return inTransaction(db, async (trx) => {
    const open = await lockOpenFinding(trx, auditId, findingId, 'closed');
    if (!open.ok) return open;
    return success(await closeFindingRow(trx, findingId, action.value, now));
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
): Promise<Outcome<FindingRow>> {
  return inTransaction(db, async (trx) => {
    const open = await lockOpenFinding(trx, auditId, findingId, 'escalated');
    if (!open.ok) return open;
    const { audit, finding } = open.value;
    if (finding.escalatedAt) {
      const ncr = finding.nonconformanceId ? `NCR ${finding.nonconformanceId}` : 'its NCR is being created';
      return invalidState(`finding "${findingId}" is OPEN and escalated already (${ncr})`, finding.status);
    }
    const given = optionalText(materialId);
    const unknown = given ? await unknownMaterial(trx, 'materialId', given) : null;
    if (unknown) return unknown;
    const material = given || audit.materialId;
    if (!material) return invalid('materialId', `audit "${auditId}" names no material; give the material the finding concerns`);
    const escalated = await markEscalated(trx, findingId, now);
    await enqueueEscalation(trx, audit, escalated, material);
    return success(escalated);
  });
}
