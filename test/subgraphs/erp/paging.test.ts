import type { Caller } from '../../../platform/caller';
import { sql } from 'kysely';
import { dbQueryCount } from '../../../platform/metrics';
import type { ErpDatabase } from '../../../subgraphs/erp/db';
import { erpSystem } from '../../../subgraphs/erp/server';
import { ids } from '../../../subgraphs/kit/seed/world';
import { pageToEnd as pageConnection } from '../../support/paging';
import { startSubgraph, supplierPartner, type SubgraphHarness } from '../../support/subgraph';

/**
 * ERP's lists that grow with the plant's history page with keyset cursors: every row once, in the
 * list's order, whatever the page size; bad page requests are the client's error; a nested list
 * costs the same statements for one parent as for many, on the first page as on a later one.
 */
describe('ERP paging', () => {
  let erp: SubgraphHarness<ErpDatabase>;
  beforeAll(async () => {
    erp = await startSubgraph(erpSystem);
  });
  afterAll(() => erp.stop());

  /**
   * Pages `field` (a root list or, with `path`, a list under a root field) to its end with pages
   * of `first`, checking pageInfo on the way; returns the rows in the order served.
   */
  async function pageToEnd(
    query: string,
    variables: Record<string, unknown>,
    connectionOf: (data: any) => any,
    caller?: Caller,
  ): Promise<{ rows: any[]; pages: number }> {
    const { nodes, pages } = await pageConnection(async (after) => {
      const result = await erp.execute(query, { ...variables, after }, caller);
      expect(result.errors).toBeUndefined();
      const connection = connectionOf(result.data);
      expect(connection.edges.map((e: any) => e.node)).toEqual(connection.nodes);
      if (connection.pageInfo.hasNextPage) expect(connection.nodes).toHaveLength(variables.first as number);
      return connection;
    });
    return { rows: nodes, pages };
  }

  const PAGE = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

  it('workOrders: every work order of the site once, by due date then id, in pages', async () => {
    const query = `query ($first: Int, $after: String) {
      workOrders(siteId: "S01", first: $first, after: $after) { nodes { id dueDate } edges { cursor node { id dueDate } } ${PAGE} }
    }`;
    const { rows, pages } = await pageToEnd(query, { first: 97 }, (d) => d.workOrders);
    const expected = await erp.db
      .selectFrom('workOrders')
      .select(['id', 'dueDate'])
      .where('siteId', '=', 'S01')
      .orderBy('dueDate')
      .orderBy('id')
      .execute();
    expect(expected.length).toBeGreaterThan(200);
    expect(rows).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 97));
  });

  it('workOrders: the status and due-date filters hold on every page', async () => {
    const query = `query ($first: Int, $after: String, $dueBefore: Date) {
      workOrders(siteId: "S01", status: [RELEASED, CREATED], dueBefore: $dueBefore, first: $first, after: $after) {
        nodes { id dueDate orderStatus } edges { cursor node { id dueDate orderStatus } } ${PAGE}
      }
    }`;
    // The median due date, so that the filter keeps some orders and drops others.
    const dates = (
      await erp.db
        .selectFrom('workOrders')
        .select('dueDate')
        .where('siteId', '=', 'S01')
        .where('orderStatus', 'in', ['RELEASED', 'CREATED'])
        .orderBy('dueDate')
        .execute()
    ).map((r) => r.dueDate);
    const dueBefore = dates[Math.floor(dates.length / 2)]!;
    const { rows } = await pageToEnd(query, { first: 13, dueBefore }, (d) => d.workOrders);
    const expected = await erp.db
      .selectFrom('workOrders')
      .select(['id', 'dueDate', 'orderStatus'])
      .where('siteId', '=', 'S01')
      .where('orderStatus', 'in', ['RELEASED', 'CREATED'])
      .where('dueDate', '<', dueBefore)
      .orderBy('dueDate')
      .orderBy('id')
      .execute();
    expect(expected.length).toBeGreaterThan(13);
    expect(rows).toEqual(expected);
  });

  it('workOrders: 50 rows when first is not given', async () => {
    const result = await erp.execute('{ workOrders(siteId: "S01") { nodes { id } pageInfo { hasNextPage } } }');
    expect(result.data.workOrders.nodes).toHaveLength(50);
    expect(result.data.workOrders.pageInfo.hasNextPage).toBe(true);
  });

  it('materialSites: every material-site of the site once, by material id; the material filter holds', async () => {
    const query = `query ($first: Int, $after: String, $materials: [ID!]) {
      materialSites(siteId: "S01", materialIds: $materials, first: $first, after: $after) {
        nodes { materialId bookQuantity } edges { cursor node { materialId bookQuantity } } ${PAGE}
      }
    }`;
    const { rows } = await pageToEnd(query, { first: 200 }, (d) => d.materialSites);
    const expected = await erp.db
      .selectFrom('materialSites')
      .select(['materialId', 'bookQuantity'])
      .where('siteId', '=', 'S01')
      .orderBy('materialId')
      .execute();
    expect(expected.length).toBeGreaterThan(200);
    expect(rows).toEqual(expected);

    const some = [ids.material(9), ids.material(3), ids.material(120), ids.material(7)];
    const filtered = await pageToEnd(query, { first: 3, materials: some }, (d) => d.materialSites);
    expect(filtered.rows.map((r) => r.materialId)).toEqual([...some].sort());
    const none = await erp.execute(query, { first: 3, materials: [] });
    expect(none.data.materialSites).toMatchObject({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it("myPurchaseOrders: the partner's own orders once, by number, under its status filter", async () => {
    const query = `query ($first: Int, $after: String, $status: [PurchaseOrderStatus!]) {
      myPurchaseOrders(status: $status, first: $first, after: $after) {
        nodes { number status lines { lineNumber } } edges { cursor node { number status lines { lineNumber } } } ${PAGE}
      }
    }`;
    const { supplierId } = await erp.db
      .selectFrom('purchaseOrders')
      .select(['supplierId', (eb) => eb.fn.countAll<number>().as('orders')])
      .groupBy('supplierId')
      .orderBy('orders', 'desc')
      .orderBy('supplierId')
      .executeTakeFirstOrThrow();
    const own = (statuses?: string[]) => {
      let q = erp.db.selectFrom('purchaseOrders').select(['number', 'status']).where('supplierId', '=', supplierId);
      if (statuses) q = q.where('status', 'in', statuses);
      return q.orderBy('number').execute();
    };
    const all = await pageToEnd(query, { first: 1 }, (d) => d.myPurchaseOrders, supplierPartner(supplierId));
    const expected = await own();
    expect(all.pages).toBeGreaterThan(2);
    expect(all.rows.map(({ number, status }) => ({ number, status }))).toEqual(expected);
    expect(all.rows.every((r) => r.lines.length > 0)).toBe(true);

    const open = await pageToEnd(
      query,
      { first: 1, status: ['OPEN', 'PARTIALLY_RECEIVED'] },
      (d) => d.myPurchaseOrders,
      supplierPartner(supplierId),
    );
    expect(open.rows.map(({ number, status }) => ({ number, status }))).toEqual(await own(['OPEN', 'PARTIALLY_RECEIVED']));
  });

  it("Supplier.purchaseOrders and Customer.salesOrders: one parent's list once, in order, in pages", async () => {
    const poQuery = `query ($first: Int, $after: String) {
      supplier(id: "V00005") { purchaseOrders(first: $first, after: $after) { nodes { number } edges { cursor node { number } } ${PAGE} } }
    }`;
    const pos = await pageToEnd(poQuery, { first: 1 }, (d) => d.supplier.purchaseOrders);
    const expectedPos = await erp.db
      .selectFrom('purchaseOrders')
      .select('number')
      .where('supplierId', '=', 'V00005')
      .orderBy('number')
      .execute();
    expect(expectedPos.length).toBeGreaterThan(2);
    expect(pos.rows).toEqual(expectedPos);

    const soQuery = `query ($r: [_Any!]!, $first: Int, $after: String) {
      _entities(representations: $r) { ... on Customer {
        salesOrders(first: $first, after: $after) { nodes { number requestedDeliveryDate } edges { cursor node { number requestedDeliveryDate } } ${PAGE} }
      } }
    }`;
    const sos = await pageToEnd(soQuery, { first: 2, r: [{ __typename: 'Customer', id: 'C00001' }] }, (d) => d._entities[0].salesOrders);
    const expectedSos = await erp.db
      .selectFrom('salesOrders')
      .select(['number', 'requestedDeliveryDate'])
      .where('customerId', '=', 'C00001')
      .orderBy('requestedDeliveryDate')
      .orderBy('number')
      .execute();
    expect(expectedSos.length).toBeGreaterThan(4);
    expect(sos.rows).toEqual(expectedSos);
  });

  it('refuses first out of range and a bad or foreign cursor with BAD_USER_INPUT', async () => {
    const { data } = await erp.execute('{ materialSites(siteId: "S01", first: 1) { pageInfo { endCursor } } }');
    const foreign = data.materialSites.pageInfo.endCursor as string;
    const fields = [
      (page: string) => `{ workOrders(siteId: "S01", ${page}) { nodes { id } } }`,
      (page: string) => `{ materialSites(siteId: "S01", ${page}) { nodes { materialId } } }`,
      (page: string) => `{ myPurchaseOrders(${page}) { nodes { number } } }`,
      (page: string) => `{ supplier(id: "V00001") { purchaseOrders(${page}) { nodes { number } } } }`,
      (page: string) =>
        `{ _entities(representations: [{ __typename: "Customer", id: "C00001" }]) { ... on Customer { salesOrders(${page}) { nodes { number } } } } }`,
    ];
    const foreignTo = (i: number) =>
      i === 1 ? Buffer.from(JSON.stringify(['workOrders', '2026-01-01', 'WO0000001'])).toString('base64url') : foreign;
    for (const [i, field] of fields.entries()) {
      for (const [page, argument] of [
        ['first: 0', 'first'],
        ['first: 201', 'first'],
        ['first: -5', 'first'],
        ['after: "not a cursor!"', 'after'],
        ['after: "W1sibm8iXQ"', 'after'],
        [`after: "${foreignTo(i)}"`, 'after'],
      ] as const) {
        const result = await erp.execute(field(page), undefined, i === 2 ? supplierPartner('V00001') : undefined);
        expect([page, result.errors?.[0]?.extensions]).toEqual([
          page,
          expect.objectContaining({ code: 'BAD_USER_INPUT', field: argument }),
        ]);
      }
    }
  });

  describe('nested lists: statements independent of the number of parents and of the page position', () => {
    async function entities(typename: string, keys: string[], selection: string) {
      const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`;
      const before = await dbQueryCount('erp');
      const result = await erp.execute(query, { r: keys.map((id) => ({ __typename: typename, id })) });
      expect(result.errors).toBeUndefined();
      return { statements: (await dbQueryCount('erp')) - before, entities: result.data._entities as any[] };
    }
    const numbered = (count: number, id: (n: number) => string) => Array.from({ length: count }, (_, i) => id(i + 1));

    it.each([
      ['Supplier', 'purchaseOrders', 'status: [OPEN, PARTIALLY_RECEIVED, RECEIVED, CLOSED]', numbered(200, ids.supplier)],
      ['Customer', 'salesOrders', 'status: [OPEN, IN_DELIVERY, COMPLETED]', numbered(150, ids.customer)],
    ])('%s.%s', async (typename, field, filter, many) => {
      const selection = (after: string | null) =>
        `id ${field}(${filter}, first: 2${after ? `, after: "${after}"` : ''}) { nodes { number } pageInfo { hasNextPage endCursor } }`;
      const one = await entities(typename, many.slice(0, 1), selection(null));
      const all = await entities(typename, many, selection(null));
      const cursor = one.entities[0][field].pageInfo.endCursor as string;
      const oneLater = await entities(typename, many.slice(0, 1), selection(cursor));
      const allLater = await entities(typename, many, selection(cursor));

      // The parent's reference and one page statement for the whole batch.
      expect([one.statements, all.statements, oneLater.statements, allLater.statements]).toEqual([2, 2, 2, 2]);
      expect(all.entities.filter((e) => e[field].nodes.length === 2).length).toBeGreaterThan(many.length / 2);
      // The later page goes on after the cursor, in each parent's own list.
      const firstNumbers = one.entities[0][field].nodes.map((n: any) => n.number);
      expect(oneLater.entities[0][field].nodes.length).toBeGreaterThan(0);
      expect(oneLater.entities[0][field].nodes.map((n: any) => n.number)).not.toEqual(expect.arrayContaining(firstNumbers));
    });
  });

  it('serves each page from an index in the keyset order (no sort, no OFFSET)', async () => {
    const plans = await erp.db.connection().execute(async (conn) => {
      await sql`set enable_seqscan = off`.execute(conn);
      try {
        const explain = async (query: ReturnType<typeof sql>) =>
          (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(conn)).rows.map((r) => r['QUERY PLAN']).join('\n');
        return {
          workOrders: await explain(
            sql`select * from work_orders where site_id = 'S01' and (due_date, id) > ('2026-03-01', 'WO0000100') order by due_date, id limit 51`,
          ),
          released: await explain(
            sql`select * from work_orders where site_id = 'S01' and order_status = 'RELEASED' and (due_date, id) > ('2026-03-01', 'WO0000100') order by due_date, id limit 51`,
          ),
          purchaseOrders: await explain(
            sql`select * from purchase_orders where supplier_id = 'V00001' and number > '4500000001' order by number limit 51`,
          ),
          salesOrders: await explain(
            sql`select * from sales_orders where customer_id = 'C00001' and (requested_delivery_date, number) > ('2026-01-01', '1') order by requested_delivery_date, number limit 51`,
          ),
        };
      } finally {
        await sql`reset enable_seqscan`.execute(conn);
      }
    });
    expect(plans.workOrders).toMatch(/Index Scan using work_orders_site_due_idx/);
    expect(plans.released).toMatch(/Index Scan using work_orders_site_(status|due)_idx/);
    expect(plans.purchaseOrders).toMatch(/Index Scan using purchase_orders_supplier_number_idx/);
    expect(plans.salesOrders).toMatch(/Index Scan using sales_orders_customer_delivery_idx/);
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(/Sort/);
  });
});
