import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../kit/seed/bulk';
import type { Progress } from '../kit/seed/progress';
import { auditCount, auditEscalations, auditFact } from '../kit/seed/quality-world';
import { ids, type ScalePlan } from '../kit/seed/world';
import type { AuditsDatabase } from './db';
import { seedMaterialNumbers } from '../kit/material-numbers';

const HOUR = 3_600_000;

/** Audits' seed: about 1,600 audits over 90 days and the coming week, their answers and findings. */
export async function seedAudits(db: Kysely<AuditsDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  // ERP's material numbers, which audits and escalations are checked against.
  await seedMaterialNumbers(db, plan);
  const ncrOfFinding = new Map(auditEscalations(plan).map((e) => [e.findingId, e.nonconformanceId] as const));
  const audits: AuditsDatabase['audits'][] = [];
  const responses: AuditsDatabase['auditResponses'][] = [];
  const findings: AuditsDatabase['auditFindings'][] = [];
  const total = auditCount(plan);
  for (let n = 1; n <= total; n++) {
    const fact = auditFact(plan, n);
    const day = new Date(`${fact.scheduledFor}T00:00:00Z`).getTime();
    const completed = fact.status === 'COMPLETED';
    const conforming = fact.responses.filter((r) => r.conforming).length;
    audits.push({
      id: fact.id,
      auditType: fact.auditType,
      layer: fact.layer,
      checklistName: fact.checklistName,
      workCenterId: ids.workCenter(fact.workCenter),
      materialId: ids.material(fact.material),
      auditor: fact.auditor,
      scheduledFor: fact.scheduledFor,
      status: fact.status,
      conformanceRate: completed ? Math.round((conforming / fact.responses.length) * 10_000) / 10_000 : null,
      questionsChecked: completed ? fact.responses.length : null,
      completedAt: completed ? new Date(day + 10 * HOUR) : null,
    });
    for (const r of fact.responses) {
      responses.push({
        auditId: fact.id,
        question: r.text,
        position: r.question,
        conforming: r.conforming,
        severity: r.severity,
        countermeasure: r.countermeasure,
      });
    }
    for (const f of fact.findings) {
      const ncr = ncrOfFinding.get(f.id) ?? null;
      findings.push({
        id: f.id,
        auditId: fact.id,
        question: f.question,
        severity: f.severity,
        countermeasure: f.countermeasure,
        status: f.status,
        createdAt: new Date(day + 10 * HOUR),
        closedAt: f.status === 'CLOSED' ? new Date(day + 34 * HOUR) : null,
        escalatedAt: f.escalated ? new Date(day + 16 * HOUR) : null,
        nonconformanceId: ncr,
      });
    }
  }
  await bulkInsert(db, 'audits', audits, { progress, label: 'audits: audits' });
  await bulkInsert(db, 'auditResponses', responses);
  await bulkInsert(db, 'auditFindings', findings);
  // New audits continue after the seeded numbers.
  await sql`select setval('audit_number', ${Math.max(1, total)})`.execute(db);
  progress.step('audits: audits', audits.length, audits.length);
}
