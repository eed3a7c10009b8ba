import { sql, type Kysely } from 'kysely';
import { erpSystem } from '../../../../subgraphs/erp/server';
import type { QualityDatabase } from '../../../../subgraphs/quality/db';
import { placeQualityHold, releaseQualityHold } from '../../../../subgraphs/quality/hold/hold.use-cases';
import { qualitySystem } from '../../../../subgraphs/quality/server';
import { startTestStack, type TestStack } from '../../../support/stack';
import { blockableInspection } from '../inspection/blockable-inspection';

const PLACE = `mutation ($lot: ID!, $r: String!) { placeQualityHold(lotId: $lot, reason: $r) { id lot { id qualityStatus } } }`;

describe('quality holds: placed on known lots, once at a time', () => {
  let stack: TestStack;
  let quality: Kysely<QualityDatabase>;
  let erp: Kysely<any>;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, qualitySystem]);
    quality = stack.databases.quality!.database.db;
    erp = stack.databases.erp!.database.db;
  });
  afterAll(() => stack.stop());

  const openHolds = (lotId: string) =>
    quality.selectFrom('qualityHolds').select('id').where('lotId', '=', lotId).where('releasedAt', 'is', null).execute();

  it('places a hold on a known lot only, once at a time', async () => {
    const { inspection } = await blockableInspection(quality, erp, 'IN_PROCESS');
    const unknown = await stack.query(PLACE, { lot: 'L99999999', r: 'suspect' });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'Lot', id: 'L99999999' });
    const blank = await stack.query(PLACE, { lot: inspection.lotId, r: '' });
    expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const placed = await stack.query(PLACE, { lot: inspection.lotId, r: 'Suspected contamination' });
    expect(placed.body.errors).toBeUndefined();
    expect(placed.body.data.placeQualityHold.lot).toEqual({ id: inspection.lotId, qualityStatus: 'ON_HOLD' });
    const second = await stack.query(PLACE, { lot: inspection.lotId, r: 'again' });
    expect(second.body.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_STATE',
      status: 'ON_HOLD',
      holdId: placed.body.data.placeQualityHold.id,
    });
    expect(await openHolds(inspection.lotId)).toHaveLength(1);
  });

  it('places one hold when five requests for the same lot arrive at once', async () => {
    const { inspection } = await blockableInspection(
      quality,
      erp,
      'FINAL',
      await quality
        .selectFrom('measurements')
        .select('inspectionId')
        .execute()
        .then((r) => r.map((m) => m.inspectionId)),
    );
    // Straight to the use case, on five warm connections, so that the transactions overlap in PostgreSQL.
    await Promise.all(Array.from({ length: 5 }, () => sql`select pg_sleep(0.05)`.execute(quality)));
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => placeQualityHold(quality, inspection.lotId, `Suspect batch, report ${i}`)),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    for (const refused of answers.filter((a) => !a.ok)) {
      expect(refused).toMatchObject({ ok: false, code: 'INVALID_STATE', extensions: { status: 'ON_HOLD' } });
    }
    const holds = await quality.selectFrom('qualityHolds').select('id').where('lotId', '=', inspection.lotId).execute();
    expect(holds).toHaveLength(1);
    expect(
      await quality.selectFrom('outboxCommands').select('id').where('subject', '=', `QualityHold:${holds[0]!.id}`).execute(),
    ).toHaveLength(1);
  });

  it('returns its refusals as failures and writes nothing for them', async () => {
    const { inspection } = await blockableInspection(quality, erp, 'RECEIVING');
    const commands = async () => (await quality.selectFrom('outboxCommands').select('id').execute()).length;
    const before = await commands();
    expect(await placeQualityHold(quality, inspection.lotId, '   ')).toMatchObject({ ok: false, code: 'BAD_USER_INPUT', field: 'reason' });
    expect(await placeQualityHold(quality, ' ', 'suspect')).toMatchObject({ ok: false, code: 'BAD_USER_INPUT', field: 'lotId' });
    expect(await releaseQualityHold(quality, 'QH999999', 'fine')).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
      message: 'QualityHold "QH999999" does not exist',
    });
    expect(await openHolds(inspection.lotId)).toHaveLength(0);
    expect(await commands()).toBe(before);

    const placed = await placeQualityHold(quality, ` ${inspection.lotId} `, ' Suspect ');
    expect(placed).toMatchObject({ ok: true, value: { lotId: inspection.lotId, reason: 'Suspect' } });
    const holdId = placed.ok ? placed.value.id : '';
    expect(await releaseQualityHold(quality, holdId, '')).toMatchObject({ ok: false, field: 'justification' });
    expect(await releaseQualityHold(quality, holdId, 'Re-inspected')).toMatchObject({
      ok: true,
      value: { releaseJustification: 'Re-inspected' },
    });
    expect(await releaseQualityHold(quality, holdId, 'again')).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
      extensions: { status: 'RELEASED' },
    });
    expect(await commands()).toBe(before + 2);
  });
});
