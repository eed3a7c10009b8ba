import { erpSystem } from '../../../../subgraphs/erp/server';
import type { ErpDatabase } from '../../../../subgraphs/erp/db';
import { startSubgraph, user, type SubgraphHarness } from '../../../support/subgraph';

const CHANGE = `mutation ($input: StockStatusChangeInput!) {
  changeStockStatus(input: $input) { documentNumber toStatus postedAt lotId quantity materialSite { blockedQuantity } }
}`;

describe('ERP changeStockStatus', () => {
  let erp: SubgraphHarness<ErpDatabase>;
  beforeAll(async () => {
    erp = await startSubgraph(erpSystem);
  });
  afterAll(() => erp.stop());

  const stock = (materialId: string) =>
    erp.db
      .selectFrom('materialSites')
      .select(['bookQuantity', 'blockedQuantity'])
      .where('materialId', '=', materialId)
      .executeTakeFirstOrThrow();
  const input = (over: Record<string, unknown>) => ({
    lotId: 'L00000001',
    materialId: 'M000021',
    siteId: 'S01',
    quantity: 5,
    toStatus: 'BLOCKED',
    sourceHoldId: 'H-1',
    ...over,
  });

  it('blocks, then releases, the quantity of the material-site, with an audit row for each', async () => {
    const blocked = await erp.execute(CHANGE, { input: input({}) }, user('svc-quality', { kind: 'service' }));
    expect(blocked.errors).toBeUndefined();
    expect(blocked.data.changeStockStatus).toMatchObject({
      toStatus: 'BLOCKED',
      lotId: 'L00000001',
      quantity: 5,
      materialSite: { blockedQuantity: 5 },
    });
    expect((await stock('M000021')).blockedQuantity).toBe(5);

    const released = await erp.execute(CHANGE, { input: input({ toStatus: 'UNRESTRICTED' }) });
    expect(released.errors).toBeUndefined();
    expect(released.data.changeStockStatus.documentNumber).not.toBe(blocked.data.changeStockStatus.documentNumber);
    expect((await stock('M000021')).blockedQuantity).toBe(0);

    const audit = await erp.db.selectFrom('auditTrail').selectAll().where('entityId', '=', 'M000021/S01').orderBy('id').execute();
    expect(audit.map((a) => [a.operation, a.actor, (a.after as any).blockedQuantity])).toEqual([
      ['changeStockStatus', 'svc-quality', 5],
      ['changeStockStatus', 'anonymous', 0],
    ]);
  });

  it('releases at most what the hold blocked', async () => {
    await erp.execute(CHANGE, { input: input({ materialId: 'M000024', sourceHoldId: 'H-PART', quantity: 4 }) });
    await erp.execute(CHANGE, { input: input({ materialId: 'M000024', sourceHoldId: 'H-OTHER', quantity: 6 }) });
    const released = await erp.execute(CHANGE, {
      input: input({ materialId: 'M000024', sourceHoldId: 'H-PART', quantity: 9, toStatus: 'UNRESTRICTED' }),
    });
    expect(released.errors).toBeUndefined();
    expect(released.data.changeStockStatus.quantity).toBe(4);
    expect((await stock('M000024')).blockedQuantity).toBe(6);
  });

  it('changes stock once when the same hold and status arrive ten times at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        erp.execute(CHANGE, { input: input({ materialId: 'M000022', sourceHoldId: 'H-PAR', quantity: 3 }) }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data.changeStockStatus.documentNumber)).size).toBe(1);
    expect((await stock('M000022')).blockedQuantity).toBe(3);
    const rows = await erp.db.selectFrom('stockStatusChanges').selectAll().where('sourceHoldId', '=', 'H-PAR').execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses a hold and status repeated with another lot, material-site or quantity, and changes nothing', async () => {
    const first = await erp.execute(CHANGE, { input: input({ materialId: 'M000025', sourceHoldId: 'H-REUSE', quantity: 2 }) });
    expect(first.errors).toBeUndefined();
    const same = await erp.execute(CHANGE, { input: input({ materialId: 'M000025', sourceHoldId: 'H-REUSE', quantity: 2 }) });
    expect(same.data.changeStockStatus.documentNumber).toBe(first.data.changeStockStatus.documentNumber);
    for (const over of [{ quantity: 3 }, { lotId: 'L00000002' }, { materialId: 'M000026' }]) {
      const repeat = await erp.execute(CHANGE, { input: input({ materialId: 'M000025', sourceHoldId: 'H-REUSE', quantity: 2, ...over }) });
      expect(repeat.data).toBeNull();
      expect(repeat.errors![0]!.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'sourceHoldId' });
    }
    expect((await stock('M000025')).blockedQuantity).toBe(2);
    expect((await stock('M000026')).blockedQuantity).toBe(0);
  });

  it('refuses to block more than the book, naming quantity, and changes nothing', async () => {
    const { bookQuantity } = await stock('M000023');
    const tooMuch = await erp.execute(CHANGE, {
      input: input({ materialId: 'M000023', sourceHoldId: 'H-BIG', quantity: bookQuantity + 1 }),
    });
    expect(tooMuch.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quantity' });
    expect((await stock('M000023')).blockedQuantity).toBe(0);
    const rows = await erp.db.selectFrom('stockStatusChanges').selectAll().where('sourceHoldId', '=', 'H-BIG').execute();
    expect(rows).toHaveLength(0);
  });

  it('keeps each hold to its own stock whatever order its block and release arrive in', async () => {
    const other = await erp.execute(CHANGE, { input: input({ materialId: 'M000027', sourceHoldId: 'H-STAYS', quantity: 7 }) });
    expect(other.errors).toBeUndefined();

    // The release overtook its block: it posts nothing to move, and must not free another hold's stock.
    const early = await erp.execute(CHANGE, {
      input: input({ materialId: 'M000027', sourceHoldId: 'H-LATE', quantity: 4, toStatus: 'UNRESTRICTED' }),
    });
    expect(early.errors).toBeUndefined();
    expect(early.data.changeStockStatus).toMatchObject({ toStatus: 'UNRESTRICTED', quantity: 0, materialSite: { blockedQuantity: 7 } });
    // The block arriving after its release blocks nothing; repeats of either change nothing.
    const late = await erp.execute(CHANGE, { input: input({ materialId: 'M000027', sourceHoldId: 'H-LATE', quantity: 4 }) });
    expect(late.errors).toBeUndefined();
    expect(late.data.changeStockStatus).toMatchObject({ toStatus: 'BLOCKED', quantity: 0, materialSite: { blockedQuantity: 7 } });
    for (const toStatus of ['BLOCKED', 'UNRESTRICTED', 'BLOCKED']) {
      const again = await erp.execute(CHANGE, { input: input({ materialId: 'M000027', sourceHoldId: 'H-LATE', quantity: 4, toStatus }) });
      expect(again.data.changeStockStatus.quantity).toBe(0);
    }
    expect((await stock('M000027')).blockedQuantity).toBe(7);

    // In order, the same hold blocks and releases its quantity.
    await erp.execute(CHANGE, { input: input({ materialId: 'M000027', sourceHoldId: 'H-INORDER', quantity: 2 }) });
    expect((await stock('M000027')).blockedQuantity).toBe(9);
    await erp.execute(CHANGE, {
      input: input({ materialId: 'M000027', sourceHoldId: 'H-INORDER', quantity: 2, toStatus: 'UNRESTRICTED' }),
    });
    expect((await stock('M000027')).blockedQuantity).toBe(7);
  });

  it('settles a block and its release that arrive at the same time to nothing blocked', async () => {
    for (let round = 0; round < 5; round++) {
      const hold = `H-RACE-${round}`;
      const results = await Promise.all(
        ['BLOCKED', 'UNRESTRICTED', 'BLOCKED', 'UNRESTRICTED'].map((toStatus) =>
          erp.execute(CHANGE, { input: input({ materialId: 'M000028', sourceHoldId: hold, quantity: 3, toStatus }) }),
        ),
      );
      for (const r of results) expect(r.errors).toBeUndefined();
    }
    expect((await stock('M000028')).blockedQuantity).toBe(0);
  });

  it.each([
    [{ quantity: 0 }, 'quantity'],
    [{ quantity: -2 }, 'quantity'],
    [{ toStatus: 'QUALITY_INSPECTION' }, 'toStatus'],
    [{ lotId: '' }, 'lotId'],
    [{ sourceHoldId: '' }, 'sourceHoldId'],
  ])('rejects %j naming %s', async (over, field) => {
    const result = await erp.execute(CHANGE, { input: input({ sourceHoldId: `H-BAD-${field}`, ...over }) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('answers NOT_FOUND for an unknown material-site', async () => {
    const result = await erp.execute(CHANGE, { input: input({ siteId: 'S99', sourceHoldId: 'H-NF' }) });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
