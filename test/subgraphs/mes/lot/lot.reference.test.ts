import { startSubgraph, type SubgraphHarness } from '../../../support/subgraph';
import type { MesDatabase } from '../../../../subgraphs/mes/db';
import { mesSystem } from '../../../../subgraphs/mes/server';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Lot { id quantity material { id } producedBy { id dispatchStatus } }
    ... on WorkOrder { id dispatchStatus goodQuantity remainingQuantity workCenter { id name } producedLots { nodes { id } } }
    ... on WorkCenter { id name state }
  }
}`;

const lotIds = (n: number) => Array.from({ length: n }, (_, i) => `L${String(n - i).padStart(8, '0')}`);
const orderIds = (n: number) => Array.from({ length: n }, (_, i) => `WO${String(n - i).padStart(7, '0')}`);

describe('MES reference resolvers (Lot, WorkOrder, WorkCenter)', () => {
  let mes: SubgraphHarness<MesDatabase>;
  beforeAll(async () => {
    mes = await startSubgraph(mesSystem);
  });
  afterAll(() => mes.stop());

  it('resolves 200 lots with one statement per entity type reached, in representation order', async () => {
    const ids = lotIds(200);
    const { data, errors, statements } = await mes.execute(ENTITIES, { representations: ids.map((id) => ({ __typename: 'Lot', id })) });
    expect(errors).toBeUndefined();
    expect(data._entities.map((e: { id: string }) => e.id)).toEqual(ids);
    expect(statements).toBe(2); // lots, then the work orders that produced them
    const row = await mes.db.selectFrom('lots').selectAll().where('id', '=', ids[0]!).executeTakeFirstOrThrow();
    expect(data._entities[0]).toMatchObject({
      quantity: row.quantity,
      material: { id: row.materialId },
      producedBy: row.producedBy ? { id: row.producedBy } : null,
    });
  });

  it('sends as many statements for 10 lots as for 200, genealogy and edges included', async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Lot {
      id producedBy { workCenter { name } producedLots { nodes { id } } }
      genealogy(direction: BACKWARD) { depth consumedLot { id producedBy { dispatchStatus } } producedLot { id } }
    } } }`;
    const measure = (ids: string[]) => mes.execute(query, { representations: ids.map((id) => ({ __typename: 'Lot', id })) });
    // The newest lots: produced ones among them have inputs, and inputs of inputs.
    const newest = (n: number) => lotIds(8000).slice(0, n);
    const ten = await measure(newest(10));
    const many = await measure(newest(200));
    expect(ten.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    expect(many.data._entities.filter((l: { genealogy: unknown[] }) => l.genealogy.length > 0).length).toBeGreaterThan(50);
    expect(ten.statements).toBe(many.statements);
  });

  it('sends as many statements for 10 work orders as for 200, and computes remainingQuantity from the planned quantity it is given', async () => {
    const measure = (ids: string[]) =>
      mes.execute(ENTITIES, { representations: ids.map((id, i) => ({ __typename: 'WorkOrder', id, plannedQuantity: 100 + i })) });
    const ten = await measure(orderIds(10));
    const many = await measure(orderIds(200));
    expect(ten.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    expect(ten.statements).toBe(many.statements);
    expect(many.statements).toBe(3); // orders, their work centers, their lots

    const rows = await mes.db.selectFrom('workOrders').selectAll().where('id', 'in', orderIds(200)).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    many.data._entities.forEach((e: { id: string; goodQuantity: number; remainingQuantity: number; dispatchStatus: string }, i: number) => {
      const row = byId.get(e.id)!;
      expect(e.dispatchStatus).toBe(row.dispatchStatus);
      expect(e.goodQuantity).toBe(row.goodQuantity);
      expect(e.remainingQuantity).toBe(Math.max(100 + i - row.goodQuantity, 0));
    });
    const lots = await mes.db
      .selectFrom('lots')
      .select('id')
      .where('producedBy', '=', 'WO0000001')
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    expect(many.data._entities[199].producedLots.nodes.map((l: { id: string }) => l.id)).toEqual(lots.map((l) => l.id));
  });

  it('resolves work centers in one statement and gives null for unknown lots and centers', async () => {
    const { data, statements } = await mes.execute(ENTITIES, {
      representations: [
        { __typename: 'WorkCenter', id: 'WC003' },
        { __typename: 'WorkCenter', id: 'WC999' },
        { __typename: 'WorkCenter', id: 'WC001' },
      ],
    });
    expect(statements).toBe(1);
    expect(data._entities.map((e: { id: string } | null) => e?.id ?? null)).toEqual(['WC003', null, 'WC001']);
    const missing = await mes.execute(ENTITIES, { representations: [{ __typename: 'Lot', id: 'L99999999' }] });
    expect(missing.data._entities).toEqual([null]);
  });

  it('leaves MES fields null for an order MES has not received, rather than failing', async () => {
    const { data, errors } = await mes.execute(ENTITIES, {
      representations: [{ __typename: 'WorkOrder', id: 'WO9999999', plannedQuantity: 5 }],
    });
    expect(errors).toBeUndefined();
    expect(data._entities[0]).toEqual({
      id: 'WO9999999',
      dispatchStatus: null,
      goodQuantity: null,
      remainingQuantity: null,
      workCenter: null,
      producedLots: null,
    });
  });

  it('answers lots(...) filters from the database', async () => {
    const { data } = await mes.execute(`{ lots(materialId: "M000004", first: 200) { nodes { id material { id } } } }`);
    const rows = await mes.db
      .selectFrom('lots')
      .select('id')
      .where('materialId', '=', 'M000004')
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    expect(rows.length).toBeLessThan(200);
    expect(data.lots.nodes.map((l: { id: string }) => l.id)).toEqual(rows.map((r) => r.id));
    const since = await mes.execute(`{ lots(siteId: "S01", createdAfter: "2026-10-31T12:00:00Z") { nodes { id createdAt } } }`);
    expect(since.data.lots.nodes.length).toBeGreaterThan(0);
    expect(since.data.lots.nodes.every((l: { createdAt: string }) => l.createdAt > '2026-10-31T12:00:00')).toBe(true);
    // A variable, as clients send it: a served schema reports a bad literal as a validation failure.
    const bad = await mes.execute(`query ($after: DateTime) { lots(createdAfter: $after) { nodes { id } } }`, { after: 'yesterday' });
    expect(bad.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
  });
});
