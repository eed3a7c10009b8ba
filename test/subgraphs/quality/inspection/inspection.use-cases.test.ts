import type { Kysely } from 'kysely';
import { createRelay, type Relay } from '../../../../subgraphs/kit/outbox';
import { erpSystem } from '../../../../subgraphs/erp/server';
import type { QualityDatabase } from '../../../../subgraphs/quality/db';
import { qualitySystem } from '../../../../subgraphs/quality/server';
import { startTestStack, testToken, type TestStack } from '../../../support/stack';
import { blockableInspection } from './blockable-inspection';

const RECORD = `mutation ($id: ID!, $m: [MeasurementInput!]!) {
  recordMeasurements(inspectionId: $id, measurements: $m) { id status measurements { characteristic lowerLimit upperLimit measuredValue conforming } }
}`;
const DECIDE = `mutation ($id: ID!, $d: UsageDecision!) { makeUsageDecision(inspectionId: $id, decision: $d) { id status usageDecision lot { id qualityStatus holds { id releasedAt } } } }`;
const RELEASE = `mutation ($id: ID!, $j: String!) { releaseQualityHold(holdId: $id, justification: $j) { id releasedAt releaseJustification lot { qualityStatus } } }`;

describe('inspections through the gateway: results, usage decisions, and a REJECT handed to ERP', () => {
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

  const blockable = (type: string) => blockableInspection(quality, erp, type);

  it('records measurements with conformance from the plan limits, and rejects bad input without writing', async () => {
    const { inspection } = await blockable('FINAL');
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
    const { inspection, site } = await blockable('RECEIVING');
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
});
