import type { TestStack } from '../../support/stack';

/** The audits' mutations as their tests send them through a gateway. */
export const SCHEDULE = `mutation ($wc: ID!, $type: AuditType!, $layer: Int, $auditor: String!, $date: Date!, $material: ID) {
  scheduleAudit(workCenterId: $wc, auditType: $type, layer: $layer, auditor: $auditor, date: $date, materialId: $material) { id status layer checklistName workCenter { id } }
}`;
export const SUBMIT = `mutation ($id: ID!, $r: [AuditResponseInput!]!) {
  submitAuditResponses(auditId: $id, responses: $r) { id status conformanceRate findings { id question severity status countermeasure } }
}`;

/** Schedules a layer-2 layered process audit of WC007 (about `material`, by default M000013) and returns its id. */
export async function scheduledAudit(stack: TestStack, material: string | null = 'M000013'): Promise<string> {
  const { body } = await stack.query(SCHEDULE, {
    wc: 'WC007',
    type: 'LAYERED_PROCESS',
    layer: 2,
    auditor: 'q.lead',
    date: '2099-03-01',
    material,
  });
  if (body.errors) throw new Error(`scheduleAudit failed: ${JSON.stringify(body.errors)}`);
  return body.data.scheduleAudit.id as string;
}
