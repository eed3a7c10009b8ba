import { createRelay, type Relay } from '../../../subgraphs/kit/outbox';
import { erpSystem } from '../../../subgraphs/erp/server';
import type { QualityDatabase } from '../../../subgraphs/quality/db';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { startTestStack, testToken, type TestStack } from '../../support/stack';
import type { GraphQLError } from 'graphql';
import { sql, type Kysely } from 'kysely';
import { placeQualityHold } from '../../../subgraphs/quality/hold/hold.use-cases';

const RECORD = `mutation ($id: ID!, $m: [MeasurementInput!]!) {
  recordMeasurements(inspectionId: $id, measurements: $m) { id status measurements { characteristic lowerLimit upperLimit measuredValue conforming } }
}`;
const DECIDE = `mutation ($id: ID!, $d: UsageDecision!) { makeUsageDecision(inspectionId: $id, decision: $d) { id status usageDecision lot { id qualityStatus holds { id releasedAt } } } }`;
const RELEASE = `mutation ($id: ID!, $j: String!) { releaseQualityHold(holdId: $id, justification: $j) { id releasedAt releaseJustification lot { qualityStatus } } }`;
const PLACE = `mutation ($lot: ID!, $r: String!) { placeQualityHold(lotId: $lot, reason: $r) { id lot { id qualityStatus } } }`;

describe('quality workflows through the gateway, with hand-offs to ERP', () => {
  let stack: TestStack;
  let relay: Relay;
  let quality: Kysely<QualityDatabase>;
  let erp: Kysely<any>;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, qualitySystem]);
    quality = stack.databases.quality!.database.db;
    erp = stack.databases.erp!.database.db;
    const token = await testToken();
    relay = createRelay({
      system: 'quality',
      db: quality,
      gatewayUrl: stack.gatewayUrl,
      handlers: qualitySystem.outbox!,
      headers: () => ({ authorization: `Bearer ${token}` }),
    });
  });
  afterAll(() => stack.stop());

  /** An undecided inspection whose lot ERP can block in full. */
  async function blockableInspection(type: string, skip: readonly string[] = []) {
    const open = await quality
      .selectFrom('inspections')
      .selectAll()
      .where('status', '=', 'OPEN')
      .where('inspectionType', '=', type)
      .orderBy('id')
      .execute();
    for (const inspection of open) {
      if (skip.includes(inspection.id)) continue;
      const held = await quality
        .selectFrom('qualityHolds')
        .select('id')
        .where('lotId', '=', inspection.lotId)
        .where('releasedAt', 'is', null)
        .executeTakeFirst();
      if (held) continue;
      const site = await erp
        .selectFrom('materialSites')
        .selectAll()
        .where('materialId', '=', inspection.materialId)
        .where('siteId', '=', inspection.siteId)
        .executeTakeFirst();
      if (site && site.bookQuantity - site.blockedQuantity >= inspection.lotQuantity) return { inspection, site };
    }
    throw new Error(`no blockable ${type} inspection in the seed`);
  }

  it('records measurements with conformance from the plan limits, and rejects bad input without writing', async () => {
    const { inspection } = await blockableInspection('FINAL');
    const bad = await stack.query(RECORD, {
      id: inspection.id,
      m: [
        { characteristic: 'Length (mm)', measuredValue: 100 },
        { characteristic: 'Colour', attributeOk: true },
      ],
    });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'measurements[1].characteristic' });
    const noValue = await stack.query(RECORD, { id: inspection.id, m: [{ characteristic: 'Weight (g)' }] });
    expect(noValue.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'measurements[0].measuredValue' });
    const huge = await stack.query(RECORD, { id: inspection.id, m: [{ characteristic: 'Weight (g)', measuredValue: 1e20 }] });
    expect(huge.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'measurements[0].measuredValue' });
    expect(await quality.selectFrom('measurements').select('characteristic').where('inspectionId', '=', inspection.id).execute()).toEqual(
      [],
    );
    const missing = await stack.query(RECORD, { id: 'IN99999999', m: [{ characteristic: 'Length (mm)', measuredValue: 100 }] });
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const { body } = await stack.query(RECORD, {
      id: inspection.id,
      m: [
        { characteristic: 'Length (mm)', measuredValue: 100.35 },
        { characteristic: 'Weight (g)', measuredValue: 500 },
        { characteristic: 'Leak test', attributeOk: true },
      ],
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.recordMeasurements.status).toBe('IN_PROGRESS');
    expect(body.data.recordMeasurements.measurements).toEqual([
      { characteristic: 'Length (mm)', lowerLimit: 99.8, upperLimit: 100.2, measuredValue: 100.35, conforming: false },
      { characteristic: 'Weight (g)', lowerLimit: 495, upperLimit: 505, measuredValue: 500, conforming: true },
      { characteristic: 'Leak test', lowerLimit: null, upperLimit: null, measuredValue: null, conforming: true },
    ]);
    const rows = await quality
      .selectFrom('measurements')
      .selectAll()
      .where('inspectionId', '=', inspection.id)
      .orderBy('position')
      .execute();
    expect(rows.map((r) => [r.characteristic, r.conforming])).toEqual([
      ['Length (mm)', false],
      ['Weight (g)', true],
      ['Leak test', true],
    ]);

    // 'Label correct' has no result yet: no decision.
    const early = await stack.query(DECIDE, { id: inspection.id, d: 'ACCEPT' });
    expect(early.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'IN_PROGRESS' });
    expect(early.body.errors?.[0]?.message).toContain('Label correct');
  });

  it('REJECT holds the lot, opens an NCR and blocks the lot stock in ERP; releasing hands back UNRESTRICTED', async () => {
    const { inspection, site } = await blockableInspection('RECEIVING');
    const recorded = await stack.query(RECORD, {
      id: inspection.id,
      m: [
        { characteristic: 'Diameter (mm)', measuredValue: 10.2 },
        { characteristic: 'Moisture (%)', measuredValue: 0.2 },
        { characteristic: 'Packaging intact', attributeOk: false },
        { characteristic: 'Certificate of conformance', attributeOk: true },
      ],
    });
    expect(recorded.body.errors).toBeUndefined();
    const decided = await stack.query(DECIDE, { id: inspection.id, d: 'REJECT' });
    expect(decided.body.errors).toBeUndefined();
    expect(decided.body.data.makeUsageDecision).toMatchObject({
      status: 'COMPLETED',
      usageDecision: 'REJECT',
      lot: { id: inspection.lotId, qualityStatus: 'ON_HOLD' },
    });

    const hold = await quality
      .selectFrom('qualityHolds')
      .selectAll()
      .where('lotId', '=', inspection.lotId)
      .where('releasedAt', 'is', null)
      .executeTakeFirstOrThrow();
    expect(hold).toMatchObject({ inspectionId: inspection.id, materialId: inspection.materialId, quantity: inspection.lotQuantity });
    const ncr = await quality.selectFrom('nonconformances').selectAll().where('inspectionId', '=', inspection.id).executeTakeFirstOrThrow();
    expect(ncr).toMatchObject({ source: 'INSPECTION', status: 'OPEN', lotId: inspection.lotId, materialId: inspection.materialId });
    expect(ncr.description).toContain('Diameter (mm)');
    const command = await quality
      .selectFrom('outboxCommands')
      .selectAll()
      .where('subject', '=', `QualityHold:${hold.id}`)
      .executeTakeFirstOrThrow();
    expect(command).toMatchObject({ status: 'PENDING', targetSystem: 'erp' });
    expect(command.variables).toEqual({
      input: {
        lotId: inspection.lotId,
        materialId: inspection.materialId,
        siteId: inspection.siteId,
        quantity: inspection.lotQuantity,
        toStatus: 'BLOCKED',
        sourceHoldId: hold.id,
      },
    });

    const again = await stack.query(DECIDE, { id: inspection.id, d: 'ACCEPT' });
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'COMPLETED' });

    await relay.drain();
    const blocked = await erp
      .selectFrom('materialSites')
      .selectAll()
      .where('materialId', '=', site.materialId)
      .where('siteId', '=', site.siteId)
      .executeTakeFirstOrThrow();
    expect(blocked.blockedQuantity).toBeCloseTo(site.blockedQuantity + inspection.lotQuantity, 3);
    const posted = await quality.selectFrom('qualityHolds').selectAll().where('id', '=', hold.id).executeTakeFirstOrThrow();
    expect(posted.erpBlockDocument).toEqual(expect.any(String));
    const change = await erp.selectFrom('stockStatusChanges').selectAll().where('sourceHoldId', '=', hold.id).execute();
    expect(change.map((c) => [c.documentNumber, c.toStatus])).toEqual([[posted.erpBlockDocument, 'BLOCKED']]);

    const blank = await stack.query(RELEASE, { id: hold.id, j: '  ' });
    expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'justification' });
    const released = await stack.query(RELEASE, { id: hold.id, j: 'MRB: sorted 100 %, use as is' });
    expect(released.body.errors).toBeUndefined();
    expect(released.body.data.releaseQualityHold).toMatchObject({
      releaseJustification: 'MRB: sorted 100 %, use as is',
      lot: { qualityStatus: 'RELEASED' },
    });
    const twice = await stack.query(RELEASE, { id: hold.id, j: 'again' });
    expect(twice.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'RELEASED' });
    const unknown = await stack.query(RELEASE, { id: 'QH999999', j: 'x' });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    await relay.drain();
    const after = await erp
      .selectFrom('materialSites')
      .selectAll()
      .where('materialId', '=', site.materialId)
      .where('siteId', '=', site.siteId)
      .executeTakeFirstOrThrow();
    expect(after.blockedQuantity).toBeCloseTo(site.blockedQuantity, 3);
    const commands = await quality
      .selectFrom('outboxCommands')
      .select(['status', 'idempotencyKey'])
      .where('subject', '=', `QualityHold:${hold.id}`)
      .orderBy('createdAt')
      .execute();
    expect(commands).toEqual([
      { status: 'DELIVERED', idempotencyKey: `QualityHold:${hold.id}:BLOCKED` },
      { status: 'DELIVERED', idempotencyKey: `QualityHold:${hold.id}:UNRESTRICTED` },
    ]);
  });

  it('places a hold on a known lot only, once at a time', async () => {
    const { inspection } = await blockableInspection('IN_PROCESS');
    const unknown = await stack.query(PLACE, { lot: 'L99999999', r: 'suspect' });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const blank = await stack.query(PLACE, { lot: inspection.lotId, r: '' });
    expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const placed = await stack.query(PLACE, { lot: inspection.lotId, r: 'Suspected contamination' });
    expect(placed.body.errors).toBeUndefined();
    expect(placed.body.data.placeQualityHold.lot).toEqual({ id: inspection.lotId, qualityStatus: 'ON_HOLD' });
    const second = await stack.query(PLACE, { lot: inspection.lotId, r: 'again' });
    expect(second.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'ON_HOLD' });
    const holds = await quality
      .selectFrom('qualityHolds')
      .select('id')
      .where('lotId', '=', inspection.lotId)
      .where('releasedAt', 'is', null)
      .execute();
    expect(holds).toHaveLength(1);
  });

  it('places one hold when five requests for the same lot arrive at once', async () => {
    const { inspection } = await blockableInspection(
      'FINAL',
      await quality
        .selectFrom('measurements')
        .select('inspectionId')
        .execute()
        .then((r) => r.map((m) => m.inspectionId)),
    );
    // Straight to the command, on five warm connections, so that the transactions overlap in PostgreSQL.
    await Promise.all(Array.from({ length: 5 }, () => sql`select pg_sleep(0.05)`.execute(quality)));
    const answers = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => placeQualityHold(quality, inspection.lotId, `Suspect batch, report ${i}`)),
    );
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const refused of answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected')) {
      expect((refused.reason as GraphQLError).extensions).toMatchObject({ code: 'INVALID_STATE', status: 'ON_HOLD' });
    }
    const holds = await quality.selectFrom('qualityHolds').select('id').where('lotId', '=', inspection.lotId).execute();
    expect(holds).toHaveLength(1);
    expect(
      await quality.selectFrom('outboxCommands').select('id').where('subject', '=', `QualityHold:${holds[0]!.id}`).execute(),
    ).toHaveLength(1);
  });

  it('creates NCRs (one per audit finding however often asked), dispositions them and opens one CAPA', async () => {
    const create = `mutation ($input: NonconformanceInput!) { createNonconformance(input: $input) { id source status customer { id } } }`;
    const noCustomer = await stack.query(create, {
      input: { source: 'CUSTOMER_COMPLAINT', severity: 'MAJOR', description: 'Leaks', materialId: 'M000010' },
    });
    expect(noCustomer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
    const blank = await stack.query(create, {
      input: { source: 'PRODUCTION', severity: 'MAJOR', description: ' ', materialId: 'M000010' },
    });
    expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.description' });

    const huge = await stack.query(create, {
      input: { source: 'PRODUCTION', severity: 'MINOR', description: 'Scrap', materialId: 'M000010', nonconformingQuantity: 1e18 },
    });
    expect(huge.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.nonconformingQuantity' });

    const finding = {
      source: 'AUDIT',
      severity: 'MAJOR',
      description: 'Gauge out of calibration',
      materialId: 'M000010',
      sourceFindingId: 'AU9999999-03',
    };
    const first = await stack.query(create, { input: finding });
    const repeat = await stack.query(create, { input: finding });
    expect(first.body.errors).toBeUndefined();
    expect(repeat.body.data.createNonconformance.id).toBe(first.body.data.createNonconformance.id);
    expect(await quality.selectFrom('nonconformances').select('id').where('sourceFindingId', '=', 'AU9999999-03').execute()).toHaveLength(
      1,
    );
    // The finding's id is the escalation's key: another payload under it is refused, not answered with the first NCR.
    const other = await stack.query(create, { input: { ...finding, severity: 'MINOR', description: 'Another text' } });
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'input.sourceFindingId' });
    expect(other.body.errors?.[0]?.message).toContain(
      `was escalated as ${first.body.data.createNonconformance.id} with another severity, description`,
    );
    expect(await quality.selectFrom('nonconformances').select('id').where('sourceFindingId', '=', 'AU9999999-03').execute()).toHaveLength(
      1,
    );

    const id = first.body.data.createNonconformance.id;
    const disposition = `mutation ($id: ID!, $d: Disposition!) { dispositionNonconformance(id: $id, disposition: $d) { id status disposition } }`;
    const rts = await stack.query(disposition, { id, d: 'RETURN_TO_SUPPLIER' });
    expect(rts.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'disposition' });
    const done = await stack.query(disposition, { id, d: 'REWORK' });
    expect(done.body.data.dispositionNonconformance).toEqual({ id, status: 'DISPOSITIONED', disposition: 'REWORK' });
    const redo = await stack.query(disposition, { id, d: 'SCRAP' });
    expect(redo.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'DISPOSITIONED' });

    const capa = `mutation ($id: ID!, $input: CapaInput!) { openCapa(nonconformanceId: $id, input: $input) { correctiveAction dueDate status rootCause } }`;
    const early = await stack.query(capa, { id, input: { correctiveAction: 'Recalibrate', dueDate: '2020-01-01' } });
    expect(early.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.dueDate' });
    const opened = await stack.query(capa, {
      id,
      input: { correctiveAction: 'Recalibrate and add to the gauge plan', dueDate: '2099-01-31' },
    });
    expect(opened.body.data.openCapa).toEqual({
      correctiveAction: 'Recalibrate and add to the gauge plan',
      dueDate: '2099-01-31',
      status: 'OPEN',
      rootCause: null,
    });
    const second = await stack.query(capa, { id, input: { correctiveAction: 'x', dueDate: '2099-01-31' } });
    expect(second.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE' });
    const missing = await stack.query(capa, { id: 'NC999999', input: { correctiveAction: 'x', dueDate: '2099-01-31' } });
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await quality.selectFrom('capas').select('nonconformanceId').where('nonconformanceId', '=', id).execute()).toHaveLength(1);
  });
});
