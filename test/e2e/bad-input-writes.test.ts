import { auditsSystem } from '../../subgraphs/audits/server';
import { crmSystem } from '../../subgraphs/crm/server';
import { erpSystem } from '../../subgraphs/erp/server';
import { inventorySystem } from '../../subgraphs/inventory/server';
import { mesSystem } from '../../subgraphs/mes/server';
import { qualitySystem } from '../../subgraphs/quality/server';
import { TEXT_LIMITS } from '../../subgraphs/kit/validation';
import { startTestStack, testToken, type TestStack } from '../support/stack';

const PLACE = 'mutation ($lot: ID!, $r: String!) { placeQualityHold(lotId: $lot, reason: $r) { id } }';
const CREATE = 'mutation ($input: NonconformanceInput!) { createNonconformance(input: $input) { id material { id } } }';
const ncr = (overrides: Record<string, unknown>) => ({
  source: 'PRODUCTION',
  severity: 'MINOR',
  description: 'Burr on the edge',
  materialId: 'M000010',
  ...overrides,
});

describe('bad input to writes and reads of all six systems, through the gateway', () => {
  let stack: TestStack;
  const count = async (table: string) =>
    Number(
      (
        await stack.databases
          .quality!.database.db.selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, mesSystem, crmSystem, inventorySystem, qualitySystem, auditsSystem]);
  }, 300_000);
  afterAll(() => stack?.stop());

  it.each([
    ['erp', '{ workOrder(id: "WO\\u00000001") { id } }', 'id'],
    ['mes', '{ lot(id: "L0000\\u00001") { id } }', 'id'],
    ['crm', '{ customers(search: "Hydro\\u0000") { nodes { id } } }', 'search'],
    ['inventory', '{ countTasks(siteId: "S\\u000001") { nodes { id } } }', 'siteId'],
    ['quality', 'mutation { placeQualityHold(lotId: "L00000001", reason: "cracks\\u0000") { id } }', 'reason'],
    ['audits', '{ audit(id: "AU\\u0000") { id } }', 'id'],
  ])('%s: a NUL byte in a string argument is BAD_USER_INPUT naming the argument, not a database error', async (_system, query, field) => {
    const { body } = await stack.query(query);
    const error = body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error?.message).toBe(
      `${field}: expected text without control characters, got U+0000 at character ${error!.message.match(/character (\d+)$/)![1]}`,
    );
    expect(JSON.stringify(body)).not.toMatch(/UTF8|0x00|invalid byte/i);
  });

  it('answers variables nested 10,000 levels deep with HTTP 400 at the gateway', async () => {
    const nested = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}` },
      body: `{"query":"mutation ($input: NonconformanceInput!) { createNonconformance(input: $input) { id } }","variables":{"input":${nested}}}`,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({
      message: expect.stringMatching(/more than 32 levels deep/),
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('quotes at most a short prefix of an invalid variable value in the refusal', async () => {
    const { status, body } = await stack.query('query ($s: [CountStatus!]) { countTasks(siteId: "S01", status: $s) { nodes { id } } }', {
      s: ['X'.repeat(300_000)],
    });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/^Variable "\$s" got invalid value "X{40}…" \(300000 characters\)/);
    expect(JSON.stringify(body).length).toBeLessThan(2_000);
  });

  it('refuses a 900 KB hold reason, says how long it was, quotes none of it, holds nothing', async () => {
    const holds = await count('qualityHolds');
    const { status, body } = await stack.query(PLACE, { lot: 'L00000001', r: 'R'.repeat(900_000) });
    // A refusal inside execution: HTTP 200, the error on the mutation's path.
    expect(status).toBe(200);
    expect(body.errors?.[0]?.path).toEqual(['placeQualityHold']);
    expect(body.errors?.[0]).toMatchObject({
      message: `reason: expected at most ${TEXT_LIMITS.text} characters, got 900000`,
      extensions: { code: 'BAD_USER_INPUT', field: 'reason' },
    });
    expect(JSON.stringify(body).length).toBeLessThan(1_000);
    expect(await count('qualityHolds')).toBe(holds);
  });

  it('refuses a 900 KB NCR description and an unknown material, writing nothing', async () => {
    const ncrs = await count('nonconformances');
    const long = await stack.query(CREATE, { input: ncr({ description: 'D'.repeat(900_000) }) });
    expect(long.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.description' });
    const unknown = await stack.query(CREATE, { input: ncr({ materialId: 'M999999' }) });
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'input.materialId: expected a material number ERP has, got "M999999"',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.materialId' },
    });
    expect(await count('nonconformances')).toBe(ncrs);
  });

  it('refuses an audit of a material ERP does not have, writing nothing', async () => {
    const audits = stack.databases.audits!.database.db;
    const before = Number(
      (
        await audits
          .selectFrom('audits')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const schedule =
      'mutation ($m: ID) { scheduleAudit(workCenterId: "WC001", auditType: PRODUCT, auditor: "Ada Lovelace", date: "2099-01-01", materialId: $m) { id } }';
    const refused = await stack.query(schedule, { m: 'M999999' });
    expect(refused.body.errors?.[0]).toMatchObject({
      message: 'materialId: expected a material number ERP has, got "M999999"',
      extensions: { code: 'BAD_USER_INPUT', field: 'materialId' },
    });
    expect(
      Number(
        (
          await audits
            .selectFrom('audits')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(before);
    const accepted = await stack.query(schedule, { m: 'M000013' });
    expect(accepted.body.errors).toBeUndefined();
  });

  it("refuses an NCR whose lot quality inspected as another material, and accepts the lot's own", async () => {
    const inspection = await stack.databases
      .quality!.database.db.selectFrom('inspections')
      .select(['lotId', 'materialId'])
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const other = inspection.materialId === 'M000010' ? 'M000011' : 'M000010';
    const wrong = await stack.query(CREATE, { input: ncr({ materialId: other, lotId: inspection.lotId }) });
    expect(wrong.body.errors?.[0]).toMatchObject({
      message: `input.materialId: lot "${inspection.lotId}" is of material ${inspection.materialId}, got "${other}"`,
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const right = await stack.query(CREATE, { input: ncr({ materialId: inspection.materialId, lotId: inspection.lotId }) });
    expect(right.body.errors).toBeUndefined();
    expect(right.body.data.createNonconformance.material.id).toBe(inspection.materialId);
  });
});
