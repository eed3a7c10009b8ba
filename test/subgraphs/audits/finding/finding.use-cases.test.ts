import type { Kysely } from 'kysely';
import type { AuditsDatabase } from '../../../../subgraphs/audits/db';
import { auditsSystem } from '../../../../subgraphs/audits/server';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { CHECKLISTS } from '../../../../subgraphs/kit/seed/quality-world';
import { createRelay, type Relay } from '../../../../subgraphs/kit/outbox';
import type { QualityDatabase } from '../../../../subgraphs/quality/db';
import { qualitySystem } from '../../../../subgraphs/quality/server';
import { scheduledAudit, SUBMIT } from '../audit-operations';
import { startTestStack, testToken, type TestStack } from '../../../support/stack';

const ESCALATE = `mutation ($a: ID!, $f: ID!, $m: ID) { escalateFinding(auditId: $a, findingId: $f, materialId: $m) { id status escalatedAt nonconformance { id } escalation { status targetSystem } } }`;
const CLOSE = `mutation ($a: ID!, $f: ID!, $c: String!) { closeFinding(auditId: $a, findingId: $f, countermeasure: $c) { id status countermeasure } }`;

describe('audit findings through the gateway: closed, or escalated to quality as one NCR', () => {
  let stack: TestStack;
  let relay: Relay;
  let audits: Kysely<AuditsDatabase>;
  let quality: Kysely<QualityDatabase>;
  const questions = CHECKLISTS.LAYERED_PROCESS.questions;

  beforeAll(async () => {
    // Quality's supplier scorecard requires ERP's received quantity, so the graph composes with ERP.
    stack = await startTestStack([erpSystem, qualitySystem, auditsSystem]);
    audits = stack.databases.audits!.database.db;
    quality = stack.databases.quality!.database.db;
    const token = await testToken();
    relay = createRelay({
      system: 'audits',
      db: audits,
      gatewayUrl: stack.gatewayUrl,
      handlers: auditsSystem.outbox!,
      headers: () => ({ authorization: `Bearer ${token}` }),
    });
  });
  afterAll(() => stack.stop());

  const scheduled = (material?: string | null) => scheduledAudit(stack, material);

  /** A completed audit with a finding for each question answered nonconforming. */
  async function completed(answers: readonly { question: string; severity: string; countermeasure?: string }[], material?: string | null) {
    const id = await scheduled(material);
    const { body } = await stack.query(SUBMIT, { id, r: answers.map((a) => ({ ...a, conforming: false })) });
    expect(body.errors).toBeUndefined();
    return id;
  }

  it('closes an open finding with its countermeasure, once', async () => {
    const id = await completed([{ question: questions[5]!, severity: 'MINOR', countermeasure: 'Parts tagged and moved to the red bin' }]);
    const blank = await stack.query(CLOSE, { a: id, f: `${id}-06`, c: '  ' });
    expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'countermeasure' });
    const closed = await stack.query(CLOSE, { a: id, f: `${id}-06`, c: 'Red bin emptied, operator briefed' });
    expect(closed.body.data.closeFinding).toEqual({
      id: `${id}-06`,
      status: 'CLOSED',
      countermeasure: 'Red bin emptied, operator briefed',
    });
    const reclose = await stack.query(CLOSE, { a: id, f: `${id}-06`, c: 'again' });
    expect(reclose.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'CLOSED' });
    const missing = await stack.query(CLOSE, { a: id, f: `${id}-99`, c: 'x' });
    expect(missing.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'AuditFinding', id: `${id}-99` });
    const noAudit = await stack.query(CLOSE, { a: 'AU9999999', f: 'AU9999999-01', c: 'x' });
    expect(noAudit.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'Audit', id: 'AU9999999' });
  });

  it('escalates a finding to one quality NCR, linked once delivered, however often the command is delivered', async () => {
    const id = await scheduled();
    await stack.query(SUBMIT, { id, r: [{ question: questions[3], conforming: false, severity: 'CRITICAL' }] });
    const findingId = `${id}-04`;
    const { body } = await stack.query(ESCALATE, { a: id, f: findingId });
    expect(body.errors).toBeUndefined();
    expect(body.data.escalateFinding).toMatchObject({
      id: findingId,
      status: 'OPEN',
      escalatedAt: expect.any(String),
      nonconformance: null,
      escalation: { status: 'PENDING', targetSystem: 'quality' },
    });
    const twice = await stack.query(ESCALATE, { a: id, f: findingId });
    expect(twice.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'OPEN' });

    await relay.drain();
    const ncrs = await quality.selectFrom('nonconformances').selectAll().where('sourceFindingId', '=', findingId).execute();
    expect(ncrs).toHaveLength(1);
    expect(ncrs[0]).toMatchObject({ source: 'AUDIT', severity: 'CRITICAL', status: 'OPEN', materialId: 'M000013' });
    expect(ncrs[0]!.description).toContain(questions[3]);
    const finding = await audits.selectFrom('auditFindings').selectAll().where('id', '=', findingId).executeTakeFirstOrThrow();
    expect(finding.nonconformanceId).toBe(ncrs[0]!.id);

    // The relay sends the command again (as after a crash between delivery and recording it).
    await audits
      .updateTable('outboxCommands')
      .set({ status: 'PENDING', deliveredAt: null })
      .where('subject', '=', `AuditFinding:${findingId}`)
      .execute();
    await relay.drain();
    expect(await quality.selectFrom('nonconformances').select('id').where('sourceFindingId', '=', findingId).execute()).toHaveLength(1);

    const view = await stack.query(
      `query ($id: ID!) { audit(id: $id) { findings { id nonconformance { id source severity status } escalation { status } } } }`,
      { id },
    );
    expect(view.body.errors).toBeUndefined();
    expect(view.body.data.audit.findings).toEqual([
      {
        id: findingId,
        nonconformance: { id: ncrs[0]!.id, source: 'AUDIT', severity: 'CRITICAL', status: 'OPEN' },
        escalation: { status: 'DELIVERED' },
      },
    ]);
  });

  it('needs a material for the NCR when the audit names none', async () => {
    const id = await scheduled(null);
    await stack.query(SUBMIT, { id, r: [{ question: questions[4], conforming: false, severity: 'MAJOR' }] });
    const bad = await stack.query(ESCALATE, { a: id, f: `${id}-05` });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'materialId' });
    const finding = await audits.selectFrom('auditFindings').selectAll().where('id', '=', `${id}-05`).executeTakeFirstOrThrow();
    expect(finding.escalatedAt).toBeNull();
    const ok = await stack.query(ESCALATE, { a: id, f: `${id}-05`, m: 'M000021' });
    expect(ok.body.errors).toBeUndefined();
    const unknown = await stack.query(ESCALATE, { a: 'AU9999999', f: 'AU9999999-01' });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
