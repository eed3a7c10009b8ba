import { erpSystem } from '../../../../subgraphs/erp/server';
import type { ErpDatabase } from '../../../../subgraphs/erp/db';
import { startSubgraph, user, type SubgraphHarness } from '../../../support/subgraph';

const POST = `mutation ($input: InventoryAdjustmentInput!) {
  postInventoryAdjustment(input: $input) {
    documentNumber quantityDelta valueDelta postedAt
    materialSite { materialId siteId bookQuantity }
  }
}`;

const HISTORY = `query ($ids: [ID!]) {
  materialSites(siteId: "S01", materialIds: $ids) {
    nodes {
      bookQuantity
      changeHistory { nodes { actor actorKind operation entityType entityId reference before after changedFields at } }
    }
  }
}`;

describe('ERP postInventoryAdjustment', () => {
  let erp: SubgraphHarness<ErpDatabase>;
  beforeAll(async () => {
    erp = await startSubgraph(erpSystem);
  });
  afterAll(() => erp.stop());

  const stock = (materialId: string) =>
    erp.db
      .selectFrom('materialSites as ms')
      .innerJoin('materials as m', 'm.id', 'ms.materialId')
      .select(['ms.bookQuantity', 'ms.blockedQuantity', 'm.standardCost'])
      .where('ms.materialId', '=', materialId)
      .executeTakeFirstOrThrow();
  const adjustments = (key: string) => erp.db.selectFrom('inventoryAdjustments').selectAll().where('sourceCountTaskId', '=', key).execute();
  const input = (over: Record<string, unknown>) => ({
    materialId: 'M000011',
    siteId: 'S01',
    quantityDelta: -3.5,
    reasonCode: 'CYCLE_COUNT',
    sourceCountTaskId: 'CT-1',
    ...over,
  });

  it('moves the book by the delta, values it at standard cost, and leaves an audit-trail row', async () => {
    const before = await stock('M000011');
    const result = await erp.execute(POST, { input: input({}) }, user('u-counter'));
    expect(result.errors).toBeUndefined();
    const posted = result.data.postInventoryAdjustment;
    expect(posted.quantityDelta).toBe(-3.5);
    expect(posted.valueDelta).toBeCloseTo(-3.5 * before.standardCost, 2);
    expect(posted.documentNumber).toMatch(/^49\d{8}$/);
    const after = await stock('M000011');
    expect(after.bookQuantity).toBeCloseTo(before.bookQuantity - 3.5, 3);
    expect(posted.materialSite.bookQuantity).toBe(after.bookQuantity);

    const history = await erp.execute(HISTORY, { ids: ['M000011'] });
    const [change] = history.data.materialSites.nodes[0].changeHistory.nodes;
    expect(change).toMatchObject({
      actor: 'u-counter',
      actorKind: 'user',
      operation: 'postInventoryAdjustment',
      entityType: 'MaterialSite',
      entityId: 'M000011/S01',
      reference: posted.documentNumber,
      before: { bookQuantity: before.bookQuantity, blockedQuantity: before.blockedQuantity },
      after: { bookQuantity: after.bookQuantity, blockedQuantity: after.blockedQuantity },
      changedFields: ['bookQuantity'],
    });
  });

  it('returns the first posting for a repeated source key and payload, and changes nothing', async () => {
    const first = await erp.execute(POST, { input: input({ sourceCountTaskId: 'CT-2', quantityDelta: 1 }) });
    const book = (await stock('M000011')).bookQuantity;
    const repeat = await erp.execute(POST, { input: input({ sourceCountTaskId: 'CT-2', quantityDelta: 1.0000001 }) });
    expect(repeat.errors).toBeUndefined();
    expect(repeat.data.postInventoryAdjustment.documentNumber).toBe(first.data.postInventoryAdjustment.documentNumber);
    expect(repeat.data.postInventoryAdjustment.quantityDelta).toBe(1);
    expect((await stock('M000011')).bookQuantity).toBe(book);
    expect(await adjustments('CT-2')).toHaveLength(1);
  });

  it('refuses a source key repeated with another delta, material or reason, naming the key, and changes nothing', async () => {
    const first = await erp.execute(POST, { input: input({ sourceCountTaskId: 'CT-3', quantityDelta: 1 }) });
    const book = (await stock('M000011')).bookQuantity;
    for (const over of [{ quantityDelta: 999 }, { materialId: 'M000012' }, { reasonCode: 'DAMAGE' }]) {
      const repeat = await erp.execute(POST, { input: input({ sourceCountTaskId: 'CT-3', quantityDelta: 1, ...over }) });
      expect(repeat.data).toBeNull();
      expect(repeat.errors![0]!.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'sourceCountTaskId' });
      expect(repeat.errors![0]!.message).toContain(
        `"CT-3" was posted as document ${first.data.postInventoryAdjustment.documentNumber} with another payload`,
      );
    }
    expect((await stock('M000011')).bookQuantity).toBe(book);
    expect(await adjustments('CT-3')).toHaveLength(1);
  });

  it('checks a posting made before payloads were fingerprinted against its own fields', async () => {
    await erp.execute(POST, { input: input({ sourceCountTaskId: 'CT-OLD', quantityDelta: 2 }) });
    await erp.db.updateTable('inventoryAdjustments').set({ commandFingerprint: null }).where('sourceCountTaskId', '=', 'CT-OLD').execute();
    const same = await erp.execute(POST, { input: input({ sourceCountTaskId: 'CT-OLD', quantityDelta: 2 }) });
    expect(same.errors).toBeUndefined();
    const other = await erp.execute(POST, { input: input({ sourceCountTaskId: 'CT-OLD', quantityDelta: 3 }) });
    expect(other.errors![0]!.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('posts once when ten requests with the same key arrive at once', async () => {
    const before = await stock('M000012');
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        erp.execute(POST, { input: input({ materialId: 'M000012', quantityDelta: 2, sourceCountTaskId: 'CT-PAR' }) }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data.postInventoryAdjustment.documentNumber)).size).toBe(1);
    expect(await adjustments('CT-PAR')).toHaveLength(1);
    expect((await stock('M000012')).bookQuantity).toBeCloseTo(before.bookQuantity + 2, 3);
    const audit = await erp.db.selectFrom('auditTrail').selectAll().where('entityId', '=', 'M000012/S01').execute();
    expect(audit).toHaveLength(1);
  });

  it('posts once when one key arrives at once for two material-sites, refuses the other, and moves only that one book', async () => {
    const before = [await stock('M000015'), await stock('M000016')];
    const results = await Promise.all(
      ['M000015', 'M000016'].map((materialId) =>
        erp.execute(POST, { input: input({ materialId, quantityDelta: 4, sourceCountTaskId: 'CT-TWO' }) }),
      ),
    );
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'IDEMPOTENCY_KEY_REUSED')).toHaveLength(1);
    const [posted] = await adjustments('CT-TWO');
    const after = [await stock('M000015'), await stock('M000016')];
    const moved = after.map((a, i) => Math.round((a.bookQuantity - before[i]!.bookQuantity) * 1000) / 1000);
    expect(moved).toEqual(posted!.materialId === 'M000015' ? [4, 0] : [0, 4]);
  });

  it('refuses a delta that would take the book below zero, naming quantityDelta, and writes nothing', async () => {
    const before = await stock('M000013');
    const result = await erp.execute(POST, {
      input: input({ materialId: 'M000013', quantityDelta: -(before.bookQuantity + 1), sourceCountTaskId: 'CT-NEG' }),
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quantityDelta' });
    expect(result.errors?.[0]?.message).toMatch(/^quantityDelta: /);
    expect((await stock('M000013')).bookQuantity).toBe(before.bookQuantity);
    expect(await adjustments('CT-NEG')).toHaveLength(0);
  });

  it('refuses a delta whose book or value the ledger cannot hold, instead of failing in the database', async () => {
    const cheap = await erp.db
      .selectFrom('materials')
      .select(['id', 'standardCost'])
      .orderBy('standardCost')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const dear = await erp.db
      .selectFrom('materials')
      .select(['id', 'standardCost'])
      .orderBy('standardCost', 'desc')
      .executeTakeFirstOrThrow();
    const valued = await erp.execute(POST, { input: input({ materialId: dear.id, quantityDelta: 9e11, sourceCountTaskId: 'CT-DEAR' }) });
    expect(valued.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quantityDelta' });

    const results = [];
    for (let i = 0; i < 12; i++) {
      results.push(
        await erp.execute(POST, { input: input({ materialId: cheap.id, quantityDelta: 9e11, sourceCountTaskId: `CT-BIG-${i}` }) }),
      );
    }
    expect(results.filter((r) => !r.errors)).toHaveLength(11);
    expect(results[11]!.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quantityDelta' });
    expect((await stock(cheap.id)).bookQuantity).toBeLessThan(1e13);
  });

  it.each([
    [{ reasonCode: '' }, 'reasonCode'],
    [{ sourceCountTaskId: ' ' }, 'sourceCountTaskId'],
    [{ materialId: '' }, 'materialId'],
    [{ quantityDelta: 1e15 }, 'quantityDelta'],
  ])('rejects bad input %j naming %s', async (over, field) => {
    const result = await erp.execute(POST, {
      input: input({ ...over, sourceCountTaskId: (over as any).sourceCountTaskId ?? `CT-BAD-${field}` }),
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('names the bound of a quantity change, either sign, and of a blank identifier', async () => {
    const over = await erp.execute(POST, { input: input({ quantityDelta: -1e15, sourceCountTaskId: 'CT-BOUND' }) });
    expect(over.errors?.[0]?.message).toBe(
      'quantityDelta: expected a quantity from -1000000000000 to 1000000000000, got -1000000000000000',
    );
    const blank = await erp.execute(POST, { input: input({ siteId: ' ', sourceCountTaskId: 'CT-BLANK' }) });
    expect(blank.errors?.[0]).toMatchObject({
      message: 'siteId: expected a non-empty text, got " "',
      extensions: { code: 'BAD_USER_INPUT', field: 'siteId' },
    });
    expect(await adjustments('CT-BOUND')).toHaveLength(0);
  });

  it('answers NOT_FOUND for a material-site that does not exist', async () => {
    const result = await erp.execute(POST, { input: input({ materialId: 'M999999', sourceCountTaskId: 'CT-NF' }) });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await adjustments('CT-NF')).toHaveLength(0);
  });
});
