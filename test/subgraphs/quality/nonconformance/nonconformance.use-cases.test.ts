import type { Kysely } from 'kysely';
import { erpSystem } from '../../../../subgraphs/erp/server';
import type { QualityDatabase } from '../../../../subgraphs/quality/db';
import { qualitySystem } from '../../../../subgraphs/quality/server';
import { startTestStack, type TestStack } from '../../../support/stack';

describe('nonconformances through the gateway: NCRs, escalated findings, dispositions and CAPAs', () => {
  let stack: TestStack;
  let quality: Kysely<QualityDatabase>;

  beforeAll(async () => {
    // Quality's supplier scorecard requires ERP's received quantity, so the graph composes with ERP.
    stack = await startTestStack([erpSystem, qualitySystem]);
    quality = stack.databases.quality!.database.db;
  });
  afterAll(() => stack.stop());

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
    // numeric(16, 3) is a quantity column: the bound is the kit's MAX_QUANTITY.
    expect(huge.body.errors?.[0]?.message).toBe(
      'input.nonconformingQuantity: expected a quantity up to 1000000000000, got 1000000000000000000',
    );
    const unknownMaterial = await stack.query(create, {
      input: { source: 'PRODUCTION', severity: 'MINOR', description: 'Scrap', materialId: 'M999999' },
    });
    expect(unknownMaterial.body.errors?.[0]).toMatchObject({
      message: 'input.materialId: expected a material number ERP has, got "M999999"',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.materialId' },
    });

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
