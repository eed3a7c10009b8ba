import type { Kysely } from 'kysely';
import type { AuditsDatabase } from '../../../../subgraphs/audits/db';
import { auditsSystem } from '../../../../subgraphs/audits/server';
import { CHECKLISTS } from '../../../../subgraphs/kit/seed/quality-world';
import { SCHEDULE, scheduledAudit, SUBMIT } from '../audit-operations';
import { startTestStack, type TestStack } from '../../../support/stack';

describe('audits through the gateway: scheduled, answered and completed with their findings', () => {
  let stack: TestStack;
  let audits: Kysely<AuditsDatabase>;
  const questions = CHECKLISTS.LAYERED_PROCESS.questions;

  beforeAll(async () => {
    stack = await startTestStack([auditsSystem]);
    audits = stack.databases.audits!.database.db;
  });
  afterAll(() => stack.stop());

  const scheduled = (material?: string | null) => scheduledAudit(stack, material);

  it('schedules audits and refuses a layer that does not fit the type', async () => {
    const id = await scheduled();
    const row = await audits.selectFrom('audits').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'SCHEDULED',
      layer: 2,
      workCenterId: 'WC007',
      scheduledFor: '2099-03-01',
      auditor: 'q.lead',
      materialId: 'M000013',
    });
    expect(id).toMatch(/^AU\d{7}$/);
    expect(Number(id.slice(2))).toBeGreaterThan(1_600);
    const noLayer = await stack.query(SCHEDULE, { wc: 'WC007', type: 'LAYERED_PROCESS', auditor: 'x', date: '2099-03-01' });
    expect(noLayer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'layer' });
    const layered5S = await stack.query(SCHEDULE, { wc: 'WC007', type: 'FIVE_S', layer: 1, auditor: 'x', date: '2099-03-01' });
    expect(layered5S.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'layer' });
    const past = await stack.query(SCHEDULE, { wc: 'WC007', type: 'SAFETY', auditor: 'x', date: '2001-01-01' });
    expect(past.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
  });

  it('computes the conformance rate and opens findings for nonconforming answers', async () => {
    const id = await scheduled();
    const wrong = await stack.query(SUBMIT, {
      id,
      r: [
        { question: questions[0], conforming: true },
        { question: 'Is the coffee hot?', conforming: true },
      ],
    });
    expect(wrong.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'responses[1].question' });
    const noSeverity = await stack.query(SUBMIT, { id, r: [{ question: questions[0], conforming: false }] });
    expect(noSeverity.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'responses[0].severity' });
    const twice = await stack.query(SUBMIT, {
      id,
      r: [
        { question: questions[0], conforming: true },
        { question: questions[0], conforming: true },
      ],
    });
    expect(twice.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'responses[1].question' });
    const none = await stack.query(SUBMIT, { id, r: [] });
    expect(none.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'responses' });
    const unknown = await stack.query(SUBMIT, { id: 'AU9999999', r: [{ question: questions[0], conforming: true }] });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'Audit', id: 'AU9999999' });
    expect(await audits.selectFrom('auditResponses').select('question').where('auditId', '=', id).execute()).toEqual([]);

    const { body } = await stack.query(SUBMIT, {
      id,
      r: [
        { question: questions[0], conforming: true },
        { question: questions[1], conforming: true },
        { question: questions[2], conforming: false, severity: 'MAJOR' },
        { question: questions[5], conforming: false, severity: 'MINOR', countermeasure: 'Parts tagged and moved to the red bin' },
      ],
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.submitAuditResponses).toEqual({
      id,
      status: 'COMPLETED',
      conformanceRate: 0.5,
      findings: [
        { id: `${id}-03`, question: questions[2], severity: 'MAJOR', status: 'OPEN', countermeasure: null },
        {
          id: `${id}-06`,
          question: questions[5],
          severity: 'MINOR',
          status: 'OPEN',
          countermeasure: 'Parts tagged and moved to the red bin',
        },
      ],
    });
    const row = await audits.selectFrom('audits').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'COMPLETED', conformanceRate: 0.5, questionsChecked: 4 });

    const again = await stack.query(SUBMIT, { id, r: [{ question: questions[0], conforming: true }] });
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'COMPLETED' });
  });
});
