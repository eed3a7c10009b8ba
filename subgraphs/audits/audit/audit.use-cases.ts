import type { Kysely } from 'kysely';
import { firstFailure, inTransaction, invalid, invalidState, missing, type Outcome, success } from '../../kit/outcome';
import { CHECKLISTS, qualityIds, type AuditKind } from '../../kit/seed/quality-world';
import type { AuditsDatabase } from '../db';
import { insertFindings, type FindingRow } from '../finding/finding.repository';
import { completeAudit, insertAudit, insertResponses, lockAudit, type AuditRow, type ResponseRow } from './audit.repository';
import { preview } from '../../../platform/preview';
import { unknownMaterial } from '../../kit/material-numbers';
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
export async function scheduleAudit(db: Kysely<AuditsDatabase>, values: ScheduleValues, now = new Date()): Promise<Outcome<AuditRow>> {
  const workCenterId = requireText('workCenterId', values.workCenterId);
  if (!workCenterId.ok) return workCenterId;
  const auditor = requireText('auditor', values.auditor);
  if (!auditor.ok) return auditor;
  const lpa = values.auditType === 'LAYERED_PROCESS';
  const layer = values.layer ?? null;
  const today = now.toISOString().slice(0, 10);
  const bad = firstFailure(
    lpa && (layer === null || !Number.isInteger(layer) || layer < 1 || layer > 3)
      ? invalid('layer', `a LAYERED_PROCESS audit needs layer 1, 2 or 3, got ${JSON.stringify(layer)}`)
      : null,
    !lpa && layer !== null
      ? invalid('layer', `only LAYERED_PROCESS audits have a layer, got layer ${layer} for ${values.auditType}`)
      : null,
    values.date < today ? invalid('date', `expected today (${today}) or later, got ${values.date}`) : null,
  );
  if (bad) return bad;
  const checklist = CHECKLISTS[values.auditType as AuditKind];
  const materialId = optionalText(values.materialId);
  const unknown = materialId ? await unknownMaterial(db, 'materialId', materialId) : null;
  if (unknown) return unknown;
  const audit = await insertAudit(db, {
    auditType: values.auditType,
    layer,
    checklistName: layer ? `${checklist.name} (layer ${layer})` : checklist.name,
    workCenterId: workCenterId.value,
    materialId,
    auditor: auditor.value,
    scheduledFor: values.date,
    status: 'SCHEDULED',
  });
  return success(audit);
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
): Promise<Outcome<AuditRow>> {
  if (responses.length === 0) return invalid('responses', 'expected at least one answer, got none');
  return inTransaction(db, async (trx) => {
    const audit = await lockAudit(trx, auditId);
    if (!audit) return missing('Audit', auditId);
    if (audit.status !== 'SCHEDULED' && audit.status !== 'IN_PROGRESS') {
      return invalidState(`audit "${auditId}" is ${audit.status}; answers are taken while it is SCHEDULED or IN_PROGRESS`, audit.status);
    }
    const questions = CHECKLISTS[audit.auditType as AuditKind].questions;
    const seen = new Set<string>();
    const rows: ResponseRow[] = [];
    for (const [i, r] of responses.entries()) {
      const field = `responses[${i}]`;
      const position = questions.indexOf(r.question) + 1;
      const bad = firstFailure(
        position === 0
          ? invalid(`${field}.question`, `expected a question of the ${audit.checklistName}, got ${preview(r.question)}`)
          : null,
        seen.has(r.question) ? invalid(`${field}.question`, `${preview(r.question)} is answered twice`) : null,
        !r.conforming && !r.severity ? invalid(`${field}.severity`, 'a nonconforming answer needs a severity') : null,
        r.conforming && r.severity ? invalid(`${field}.severity`, `a conforming answer has no severity, got ${r.severity}`) : null,
      );
      if (bad) return bad;
      seen.add(r.question);
      rows.push({
        auditId,
        question: r.question,
        position,
        conforming: r.conforming,
        severity: r.severity ?? null,
        countermeasure: optionalText(r.countermeasure),
      });
    }
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
    return success(await completeAudit(trx, auditId, roundTo(conforming / rows.length, 4), rows.length, now));
  });
}
