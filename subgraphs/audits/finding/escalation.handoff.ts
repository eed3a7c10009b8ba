import type { Kysely, Transaction } from 'kysely';
import { enqueueCommand, type OutboxHandlers } from '../../kit/outbox';
import type { AuditRow } from '../audit/audit.repository';
import type { AuditsDatabase } from '../db';
import { linkNonconformance, type FindingRow } from './finding.repository';

const CREATE_NONCONFORMANCE = `mutation CreateNonconformance($input: NonconformanceInput!) {
  createNonconformance(input: $input) { id status }
}`;

export const ESCALATE_FINDING = 'audits.escalateFinding';

/**
 * Hands an audit finding to quality as an NCR (source AUDIT) through the outbox, in the caller's
 * transaction; the finding id is the key quality records, so a repeated delivery makes one NCR.
 */
export function enqueueEscalation(trx: Kysely<AuditsDatabase>, audit: AuditRow, finding: FindingRow, materialId: string) {
  const action = finding.countermeasure ? ` (countermeasure: ${finding.countermeasure})` : '';
  return enqueueCommand(trx, {
    idempotencyKey: `AuditFinding:${finding.id}:escalate`,
    type: ESCALATE_FINDING,
    targetSystem: 'quality',
    subject: `AuditFinding:${finding.id}`,
    document: CREATE_NONCONFORMANCE,
    variables: {
      input: {
        source: 'AUDIT',
        severity: finding.severity,
        description: `Audit ${audit.id} at ${audit.workCenterId}: ${finding.question}${action}`,
        materialId,
        sourceFindingId: finding.id,
      },
    },
  });
}

/** When quality has created the NCR, the finding points at it. */
export const auditsOutboxHandlers: OutboxHandlers<AuditsDatabase> = {
  [ESCALATE_FINDING]: {
    async onDelivered(trx: Transaction<AuditsDatabase>, command, result) {
      const ncr = result.createNonconformance as { id?: string } | undefined;
      if (!ncr?.id) throw new Error(`quality answered createNonconformance without an NCR id for ${command.subject}`);
      await linkNonconformance(trx, (command.subject ?? '').replace(/^AuditFinding:/, ''), ncr.id);
    },
  },
};
