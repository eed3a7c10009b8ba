import { sql } from 'kysely';
import { startSubgraph, user, type SubgraphHarness } from '../../../support/subgraph';
import type { MesDatabase } from '../../../../subgraphs/mes/db';
import { mesSystem } from '../../../../subgraphs/mes/server';

const REPORT = `mutation ($input: ProductionReportInput!) {
  reportProduction(input: $input) {
    id quantity lifecycleStatus siteId material { id }
    producedBy { id dispatchStatus goodQuantity scrapQuantity workCenter { id } }
    genealogy(direction: BACKWARD) { depth quantity consumedLot { id quantity lifecycleStatus } }
    changeHistory { nodes { actor operation before after changedFields } }
  }
}`;

describe('MES reportProduction', () => {
  let mes: SubgraphHarness<MesDatabase>;
  let orderId: string;
  let centerId: string;
  let inputs: { id: string; quantity: number }[];

  const db = () => mes.db;
  // One fingerprint of every row a report may touch: equal fingerprints mean nothing was written.
  const snapshot = async () =>
    (
      await sql<{ fingerprint: string }>`select concat_ws(':',
        (select md5(string_agg(l::text, ',' order by l.id)) from lots l),
        (select md5(string_agg(e::text, ',' order by e.produced_lot_id, e.consumed_lot_id)) from genealogy_edges e),
        (select md5(string_agg(w::text, ',' order by w.id)) from work_orders w),
        (select count(*) from audit_trail)) as fingerprint`.execute(db())
    ).rows[0]!.fingerprint;

  beforeAll(async () => {
    mes = await startSubgraph(mesSystem);
    const order = await db()
      .selectFrom('workOrders')
      .selectAll()
      .where('dispatchStatus', '=', 'READY')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    orderId = order.id;
    centerId = order.workCenterId!;
    // Inputs with a genealogy of their own, so the new lot's trace goes deeper than one level.
    inputs = await db()
      .selectFrom('lots')
      .select(['id', 'quantity'])
      .where('lifecycleStatus', '=', 'AVAILABLE')
      .where('producedBy', 'is not', null)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('genealogyEdges').select('consumedLotId').whereRef('producedLotId', '=', 'lots.id')),
      )
      .where('quantity', '>', 20)
      .orderBy('id')
      .limit(2)
      .execute();
  });
  afterAll(() => mes.stop());

  it('creates the output lot, takes the inputs out of their lots, links them and advances the order, audited as the caller', async () => {
    const input = {
      workOrderId: orderId,
      workCenterId: centerId,
      goodQuantity: 40,
      scrapQuantity: 2.5,
      consumed: [
        { lotId: inputs[0]!.id, quantity: inputs[0]!.quantity }, // all of it
        { lotId: inputs[1]!.id, quantity: 5 },
      ],
    };
    const { data, errors } = await mes.execute(REPORT, { input }, user('ana.ruiz', { roles: ['production'] }));
    expect(errors).toBeUndefined();
    const lot = data.reportProduction;
    expect(lot.id).toBe('L00008001');
    expect(lot).toMatchObject({ quantity: 40, lifecycleStatus: 'AVAILABLE', siteId: 'S01' });
    expect(lot.producedBy).toEqual({
      id: orderId,
      dispatchStatus: 'RUNNING',
      goodQuantity: 40,
      scrapQuantity: 2.5,
      workCenter: { id: centerId },
    });
    const direct = lot.genealogy.filter((e: { depth: number }) => e.depth === 1);
    expect(direct).toEqual(
      expect.arrayContaining([
        { depth: 1, quantity: inputs[0]!.quantity, consumedLot: { id: inputs[0]!.id, quantity: 0, lifecycleStatus: 'CONSUMED' } },
        { depth: 1, quantity: 5, consumedLot: { id: inputs[1]!.id, quantity: inputs[1]!.quantity - 5, lifecycleStatus: 'AVAILABLE' } },
      ]),
    );
    expect(lot.genealogy.some((e: { depth: number }) => e.depth === 2)).toBe(true);
    expect(lot.changeHistory.nodes).toEqual([expect.objectContaining({ actor: 'ana.ruiz', operation: 'reportProduction', before: null })]);

    const stored = await db()
      .selectFrom('lots')
      .selectAll()
      .where('id', 'in', [inputs[0]!.id, inputs[1]!.id, 'L00008001'])
      .orderBy('id')
      .execute();
    expect(stored.map((l) => l.quantity)).toEqual([0, inputs[1]!.quantity - 5, 40]);
    const edges = await db()
      .selectFrom('genealogyEdges')
      .selectAll()
      .where('producedLotId', '=', 'L00008001')
      .orderBy('consumedLotId')
      .execute();
    expect(edges).toEqual([
      { consumedLotId: inputs[0]!.id, producedLotId: 'L00008001', quantity: inputs[0]!.quantity },
      { consumedLotId: inputs[1]!.id, producedLotId: 'L00008001', quantity: 5 },
    ]);
    const audit = await db().selectFrom('auditTrail').selectAll().where('operation', '=', 'reportProduction').execute();
    expect(audit.map((a) => `${a.entityType}:${a.entityId}`).sort()).toEqual(
      [`Lot:${inputs[0]!.id}`, `Lot:${inputs[1]!.id}`, 'Lot:L00008001', `WorkOrder:${orderId}`].sort(),
    );
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(['ana.ruiz']));
    const history = await mes.execute(`{ lot(id: "${inputs[1]!.id}") { changeHistory { nodes { changedFields before after } } } }`);
    expect(history.data.lot.changeHistory.nodes[0].changedFields).toEqual(['quantity']);
  });

  it('tops up a named output lot of the same order and adds to an edge reported again', async () => {
    const { data, errors } = await mes.execute(REPORT, {
      input: {
        workOrderId: orderId,
        workCenterId: centerId,
        goodQuantity: 10,
        scrapQuantity: 0,
        outputLotId: 'L00008001',
        consumed: [{ lotId: inputs[1]!.id, quantity: 1 }],
      },
    });
    expect(errors).toBeUndefined();
    expect(data.reportProduction.quantity).toBe(50);
    expect(data.reportProduction.producedBy.goodQuantity).toBe(50);
    const edge = await db()
      .selectFrom('genealogyEdges')
      .selectAll()
      .where('producedLotId', '=', 'L00008001')
      .where('consumedLotId', '=', inputs[1]!.id)
      .executeTakeFirstOrThrow();
    expect(edge.quantity).toBe(6);
    expect(data.reportProduction.changeHistory.nodes).toHaveLength(2);
  });

  const failures: [string, (base: Record<string, unknown>) => Record<string, unknown>, Record<string, unknown>][] = [
    ['an unknown work order', (b) => ({ ...b, workOrderId: 'WO9999999' }), { code: 'NOT_FOUND', type: 'WorkOrder', id: 'WO9999999' }],
    ['an unknown work center', (b) => ({ ...b, workCenterId: 'WC999' }), { code: 'NOT_FOUND', type: 'WorkCenter' }],
    ['a negative good quantity', (b) => ({ ...b, goodQuantity: -1 }), { code: 'BAD_USER_INPUT', field: 'input.goodQuantity' }],
    ['a negative scrap quantity', (b) => ({ ...b, scrapQuantity: -0.5 }), { code: 'BAD_USER_INPUT', field: 'input.scrapQuantity' }],
    ['a quantity the database cannot hold', (b) => ({ ...b, goodQuantity: 1e15 }), { code: 'BAD_USER_INPUT', field: 'input.goodQuantity' }],
    ['nothing to report', (b) => ({ ...b, goodQuantity: 0, scrapQuantity: 0 }), { code: 'BAD_USER_INPUT', field: 'input.goodQuantity' }],
    [
      'a negative consumed quantity',
      (b) => ({ ...b, consumed: [{ lotId: 'L00000001', quantity: -2 }] }),
      { code: 'BAD_USER_INPUT', field: 'input.consumed[0].quantity' },
    ],
    [
      'a lot consumed twice',
      (b) => ({
        ...b,
        consumed: [
          { lotId: 'L00000002', quantity: 1 },
          { lotId: 'L00000002', quantity: 1 },
        ],
      }),
      { code: 'BAD_USER_INPUT', field: 'input.consumed[1].lotId' },
    ],
    [
      'an unknown consumed lot',
      (b) => ({
        ...b,
        consumed: [
          { lotId: 'L00000003', quantity: 1 },
          { lotId: 'L99999999', quantity: 1 },
        ],
      }),
      { code: 'NOT_FOUND', type: 'Lot', id: 'L99999999' },
    ],
    [
      'more than a lot holds',
      (b) => ({
        ...b,
        consumed: [
          { lotId: 'L00000003', quantity: 1 },
          { lotId: 'L00000004', quantity: 1e6 },
        ],
      }),
      { code: 'BAD_USER_INPUT', field: 'input.consumed[1].quantity' },
    ],
    [
      'a fully consumed lot',
      (b) => ({
        ...b,
        consumed: [
          { lotId: 'L00000003', quantity: 1 },
          { lotId: 'FIRST_INPUT', quantity: 1 },
        ],
      }),
      { code: 'INVALID_STATE' },
    ],
    [
      'a malformed output lot number',
      (b) => ({ ...b, outputLotId: ' drop table lots' }),
      { code: 'BAD_USER_INPUT', field: 'input.outputLotId' },
    ],
    ['an output lot of another order', (b) => ({ ...b, outputLotId: 'L00000001' }), { code: 'CONFLICT' }],
  ];

  it.each(failures)('refuses %s with its code and writes nothing', async (_name, change, expected) => {
    const base = {
      workOrderId: orderId,
      workCenterId: centerId,
      goodQuantity: 3,
      scrapQuantity: 0,
      consumed: [{ lotId: 'L00000003', quantity: 1 }],
    };
    const input = JSON.parse(JSON.stringify(change(base)).replace('FIRST_INPUT', inputs[0]!.id));
    const before = await snapshot();
    const { errors } = await mes.execute(REPORT, { input });
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject(expected);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to report on a closed order', async () => {
    const closed = await db()
      .selectFrom('workOrders')
      .selectAll()
      .where('dispatchStatus', '=', 'CLOSED')
      .limit(1)
      .executeTakeFirstOrThrow();
    const { errors } = await mes.execute(REPORT, {
      input: { workOrderId: closed.id, workCenterId: closed.workCenterId, goodQuantity: 1, scrapQuantity: 0, consumed: [] },
    });
    expect(errors![0]!.extensions.code).toBe('INVALID_STATE');
    expect(errors![0]!.message).toContain('CLOSED');
  });

  it('lets only one of two simultaneous reports take the same stock', async () => {
    const lot = await db()
      .selectFrom('lots')
      .selectAll()
      .where('lifecycleStatus', '=', 'AVAILABLE')
      .where('siteId', '=', 'S01')
      .where('quantity', '>=', 100)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const take = Math.round(lot.quantity * 0.6);
    const report = () =>
      mes.execute(REPORT, {
        input: {
          workOrderId: orderId,
          workCenterId: centerId,
          goodQuantity: 1,
          scrapQuantity: 0,
          consumed: [{ lotId: lot.id, quantity: take }],
        },
      });
    const results = await Promise.all([report(), report()]);
    const failed = results.filter((r) => r.errors);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.consumed[0].quantity' });
    const after = await db().selectFrom('lots').select('quantity').where('id', '=', lot.id).executeTakeFirstOrThrow();
    expect(after.quantity).toBe(lot.quantity - take);
  });

  it('skips lot numbers already taken by hand', async () => {
    const { rows } = await sql<{ next: string }>`select 'L' || lpad((last_value + 1)::text, 8, '0') as next from lot_numbers`.execute(db());
    await mes.execute(REPORT, {
      input: { workOrderId: orderId, workCenterId: centerId, goodQuantity: 1, scrapQuantity: 0, outputLotId: rows[0]!.next, consumed: [] },
    });
    const { data, errors } = await mes.execute(REPORT, {
      input: { workOrderId: orderId, workCenterId: centerId, goodQuantity: 2, scrapQuantity: 0, consumed: [] },
    });
    expect(errors).toBeUndefined();
    expect(data.reportProduction.id > rows[0]!.next).toBe(true);
    expect(data.reportProduction.quantity).toBe(2);
  });
});
