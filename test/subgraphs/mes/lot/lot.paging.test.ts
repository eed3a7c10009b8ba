import { sql } from 'kysely';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../../../platform/paging';
import { pageQuery, representations } from '../../../support/paging';
import { startSubgraph, type SubgraphHarness } from '../../../support/subgraph';
import type { MesDatabase } from '../../../../subgraphs/mes/db';
import { mesSystem } from '../../../../subgraphs/mes/server';

const LOTS = `query ($siteId: ID, $first: Int, $after: String) {
  lots(siteId: $siteId, first: $first, after: $after) {
    nodes { id createdAt }
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const PRODUCED = `query ($representations: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $representations) {
    ... on WorkOrder { id producedLots(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }
  }
}`;

const orders = (ids: readonly string[]) => representations('WorkOrder', ids);

describe('MES paging: lots and WorkOrder.producedLots', () => {
  let mes: SubgraphHarness<MesDatabase>;
  const db = () => mes.db;
  beforeAll(async () => {
    mes = await startSubgraph(mesSystem);
    // Lots created in one microsecond: the order must fall back on the lot number, and a cursor
    // must hold the microseconds (a millisecond one would repeat these rows or skip them).
    await sql`insert into lots (id, material_id, site_id, quantity, lifecycle_status, produced_by, created_at) values
      ('PG-B', 'M000001', 'S77', 1, 'AVAILABLE', null, '2026-11-15 10:00:00.123456+00'),
      ('PG-A', 'M000001', 'S77', 1, 'AVAILABLE', null, '2026-11-15 10:00:00.123456+00'),
      ('PG-C', 'M000001', 'S77', 1, 'AVAILABLE', null, '2026-11-15 10:00:00.123457+00'),
      ('PG-D', 'M000001', 'S77', 1, 'AVAILABLE', null, '2026-11-15 10:00:00.123+00')`.execute(db());
  });
  afterAll(() => mes.stop());

  it('pages lots of a site to the end, each lot once, oldest first then by lot number, one statement a page', async () => {
    const expected = (
      await db().selectFrom('lots').select('id').where('siteId', '=', 'S01').orderBy('createdAt').orderBy('id').execute()
    ).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(PAGE_SIZE_MAX * 3);
    const { ids, pages, statements } = await pageQuery(mes, LOTS, { siteId: 'S01', first: PAGE_SIZE_MAX }, (data) => data.lots);
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / PAGE_SIZE_MAX));
    expect(new Set(statements)).toEqual(new Set([1]));
  });

  it('orders lots of one instant by lot number and keeps their microseconds in the cursor', async () => {
    const { ids, pages } = await pageQuery(mes, LOTS, { siteId: 'S77', first: 1 }, (data) => data.lots);
    expect(ids).toEqual(['PG-D', 'PG-A', 'PG-B', 'PG-C']);
    expect(pages).toBe(4);
    const { data } = await mes.execute(LOTS, { siteId: 'S77' });
    expect(data.lots.nodes.map((n: { createdAt: string }) => n.createdAt)).toEqual([
      '2026-11-15T10:00:00.123Z',
      '2026-11-15T10:00:00.123Z',
      '2026-11-15T10:00:00.123Z',
      '2026-11-15T10:00:00.123Z',
    ]);
    expect(data.lots.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids);
    expect(data.lots.pageInfo).toMatchObject({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: data.lots.edges[0].cursor,
      endCursor: data.lots.edges[3].cursor,
    });
  });

  it('gives the default page without first, and an empty page with null cursors where nothing matches', async () => {
    const { data } = await mes.execute(LOTS, {});
    expect(data.lots.nodes).toHaveLength(PAGE_SIZE_DEFAULT);
    expect(data.lots.pageInfo.hasNextPage).toBe(true);
    const none = await mes.execute(LOTS, { siteId: 'S99' });
    expect(none.data.lots).toEqual({
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it("pages a work order's lots to the end, each once, in the order of its lots", async () => {
    const busiest = await db()
      .selectFrom('lots')
      .select(['producedBy', (eb) => eb.fn.countAll<number>().as('lots')])
      .where('producedBy', 'is not', null)
      .groupBy('producedBy')
      .orderBy('lots', 'desc')
      .orderBy('producedBy')
      .limit(1)
      .executeTakeFirstOrThrow();
    const expected = (
      await db().selectFrom('lots').select('id').where('producedBy', '=', busiest.producedBy).orderBy('createdAt').orderBy('id').execute()
    ).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(3);
    const { ids, pages } = await pageQuery(
      mes,
      PRODUCED,
      { ...orders([busiest.producedBy!]), first: 2 },
      (data) => data._entities[0].producedLots,
    );
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 2));
  });

  it('keeps producedLots null for an order MES does not execute, and empty for one without lots', async () => {
    const idle = await db()
      .selectFrom('workOrders')
      .select('id')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('lots').select('id').whereRef('lots.producedBy', '=', 'workOrders.id'))),
      )
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const { data, errors } = await mes.execute(PRODUCED, orders(['WO9999999', idle.id]));
    expect(errors).toBeUndefined();
    expect(data._entities[0].producedLots).toBeNull();
    expect(data._entities[1].producedLots).toEqual({
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null },
    });
  });

  it.each([0, -1, PAGE_SIZE_MAX + 1])('refuses first: %p on lots and producedLots with BAD_USER_INPUT', async (first) => {
    const root = await mes.execute(LOTS, { first });
    expect(root.data).toBeNull();
    expect(root.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const nested = await mes.execute(PRODUCED, { ...orders(['WO0000001', 'WO9999999']), first });
    expect(nested.errors!.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'first' }),
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'first' }),
    ]);
  });

  it("refuses a cursor that is not one, and another list's cursor, with BAD_USER_INPUT", async () => {
    const lotsCursor = (await mes.execute(LOTS, { first: 1 })).data.lots.pageInfo.endCursor as string;
    for (const after of ['nonsense!', Buffer.from('["lots","x"]').toString('base64url')]) {
      const { errors } = await mes.execute(LOTS, { after });
      expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    const nested = await mes.execute(PRODUCED, { ...orders(['WO0000001']), after: lotsCursor });
    expect(nested.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(nested.errors![0]!.message).toMatch(/a cursor of lots/);
  });

  it('sends as many statements for the lots of 1 work order as of 200, on the first page and on a later one', async () => {
    const producers = (
      await db()
        .selectFrom('lots')
        .select('producedBy')
        .distinct()
        .where('producedBy', 'is not', null)
        .orderBy('producedBy')
        .limit(200)
        .execute()
    ).map((r) => r.producedBy!);
    expect(producers).toHaveLength(200);
    const one = await mes.execute(PRODUCED, { ...orders(producers.slice(0, 1)), first: 1 });
    const many = await mes.execute(PRODUCED, { ...orders(producers), first: 1 });
    expect(one.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    expect(many.data._entities.every((o: any) => o.producedLots.nodes.length === 1)).toBe(true);
    expect(many.statements).toBe(one.statements);
    expect(many.statements).toBe(2); // the orders, then one page of lots for all of them

    const after = one.data._entities[0].producedLots.pageInfo.endCursor as string;
    const oneLater = await mes.execute(PRODUCED, { ...orders(producers.slice(0, 1)), first: 1, after });
    const manyLater = await mes.execute(PRODUCED, { ...orders(producers), first: 1, after });
    expect(manyLater.errors).toBeUndefined();
    expect(oneLater.statements).toBe(one.statements);
    expect(manyLater.statements).toBe(one.statements);
    expect(manyLater.data._entities[0].producedLots.nodes[0].id).not.toBe(one.data._entities[0].producedLots.nodes[0].id);
  });
});
