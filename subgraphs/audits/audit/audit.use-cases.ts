import type { Kysely } from 'kysely';
import { badInput, notFound, userError } from '../../kit/errors';
import { CHECKLISTS, qualityIds, type AuditKind } from '../../kit/seed/quality-world';
import type { AuditsDatabase } from '../db';
import { insertFindings, type FindingRow } from '../finding/finding.repository';
import { completeAudit, insertAudit, insertResponses, lockAudit, type AuditRow, type ResponseRow } from './audit.repository';
import { transact } from '../../../platform/db/transact';
import { preview } from '../../../platform/preview';
import { requireMaterial } from '../../kit/material-numbers';
import { roundTo } from '../../kit/numbers';
import { optionalText, requireText } from '../../kit/validation';

export interface ScheduleValues {
  workCenterId: string;
  auditType: string;
  layer?: number | null;
  auditor: string;
  date: string;
  materialId?: string | null;
}

/** Schedules an audit on a day from today on; a layered process audit needs its layer (1 to 3), other types have none. */
export async function scheduleAudit(db: Kysely<AuditsDatabase>, values: ScheduleValues, now = new Date()): Promise<AuditRow> {
  const workCenterId = requireText('workCenterId', values.workCenterId);
  const auditor = requireText('auditor', values.auditor);
  const lpa = values.auditType === 'LAYERED_PROCESS';
  const layer = values.layer ?? null;
  if (lpa && (layer === null || !Number.isInteger(layer) || layer < 1 || layer > 3)) {
    throw badInput('layer', `a LAYERED_PROCESS audit needs layer 1, 2 or 3, got ${JSON.stringify(layer)}`);
  }
  if (!lpa && layer !== null)
    throw badInput('layer', `only LAYERED_PROCESS audits have a layer, got layer ${layer} for ${values.auditType}`);
  const today = now.toISOString().slice(0, 10);
  if (values.date < today) throw badInput('date', `expected today (${today}) or later, got ${values.date}`);
  const checklist = CHECKLISTS[values.auditType as AuditKind];
  const materialId = optionalText(values.materialId);
  if (materialId) await requireMaterial(db, 'materialId', materialId);
  return insertAudit(db, {
    auditType: values.auditType,
    layer,
    checklistName: layer ? `${checklist.name} (layer ${layer})` : checklist.name,
    workCenterId,
    materialId,
    auditor,
    scheduledFor: values.date,
    status: 'SCHEDULED',
  });
}

export interface ResponseValues {
  question: string;
  conforming: boolean;
  severity?: string | null;
  countermeasure?: string | null;
}

/**
 * Completes a scheduled or running audit with its answers: conformanceRate is conforming answers
 * over questions checked, and every nonconforming answer becomes an OPEN finding.
 */
export async function submitAuditResponses(
  db: Kysely<AuditsDatabase>,
  auditId: string,
  responses: readonly ResponseValues[],
  now = new Date(),
): Promise<AuditRow> {
  if (responses.length === 0) throw badInput('responses', 'expected at least one answer, got none');
  return transact(db, async (trx) => {
    const audit = await lockAudit(trx, auditId);
    if (!audit) throw notFound('Audit', auditId);
    if (audit.status !== 'SCHEDULED' && audit.status !== 'IN_PROGRESS') {
      throw userError('INVALID_STATE', `audit "${auditId}" is ${audit.status}; answers are taken while it is SCHEDULED or IN_PROGRESS`, {
        status: audit.status,
      });
    }
    const questions = CHECKLISTS[audit.auditType as AuditKind].questions;
    const seen = new Set<string>();
    const rows: ResponseRow[] = responses.map((r, i) => {
      const field = `responses[${i}]`;
      const position = questions.indexOf(r.question) + 1;
      if (position === 0)
        throw badInput(`${field}.question`, `expected a question of the ${audit.checklistName}, got ${preview(r.question)}`);
      if (seen.has(r.question)) throw badInput(`${field}.question`, `${preview(r.question)} is answered twice`);
      seen.add(r.question);
      if (!r.conforming && !r.severity) throw badInput(`${field}.severity`, 'a nonconforming answer needs a severity');
      if (r.conforming && r.severity) throw badInput(`${field}.severity`, `a conforming answer has no severity, got ${r.severity}`);
      return {
        auditId,
        question: r.question,
        position,
        conforming: r.conforming,
        severity: r.severity ?? null,
        countermeasure: optionalText(r.countermeasure),
      };
    });
    await insertResponses(trx, rows);
    const findings: FindingRow[] = rows
      .filter((r) => !r.conforming)
      .map((r) => ({
        id: qualityIds.finding(auditId, r.position),
        auditId,
        question: r.question,
        severity: r.severity!,
        countermeasure: r.countermeasure,
        status: 'OPEN',
        createdAt: now,
        closedAt: null,
        escalatedAt: null,
        nonconformanceId: null,
      }));
    await insertFindings(trx, findings);
    const conforming = rows.filter((r) => r.conforming).length;
    return completeAudit(trx, auditId, roundTo(conforming / rows.length, 4), rows.length, now);
  });
}
