import { sql } from 'kysely';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { encodeCursor, PAGE_SIZE_MAX } from '../../../subgraphs/kit/paging';
import type { QualityDatabase } from '../../../subgraphs/quality/db';
import { startSubgraph, type SubgraphHarness } from '../../support/subgraph';
import { PAGE_INFO, pageQuery, representations } from '../../support/paging';

/** A root list `field(args)` with `$first` and `$after`, selecting `nodes { <nodes> }` and the page info. */
const rootList = (field: string, args: string, nodes: string) =>
  `query ($first: Int, $after: String) { ${field}(${args ? `${args}, ` : ''}first: $first, after: $after) { nodes { ${nodes} } ${PAGE_INFO} } }`;

/** The list `field(args)` of the entities given as `$representations`, with `$first` and `$after`. */
const nestedList = (typename: string, field: string, args: string, nodes: string) =>
  `query ($representations: [_Any!]!, $first: Int, $after: String) { _entities(representations: $representations) { ... on ${typename} { ${field}(${
    args ? `${args}, ` : ''
  }first: $first, after: $after) { nodes { ${nodes} } ${PAGE_INFO} } } } }`;

describe('quality paging: inspections, nonconformances, complaints of a customer, inspections of a lot and of a work order', () => {
  let quality: SubgraphHarness<QualityDatabase>;
  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const result = await quality.execute(query, variables);
    expect(result.errors).toBeUndefined();
    return result.data;
  };
  /** Pages a root list to its end, `first` rows a page. */
  const pageRoot = (field: string, args: string, first: number, nodes = 'id') =>
    pageQuery(quality, rootList(field, args, nodes), { first }, (data) => data[field]);
  /** Pages the list of one entity, reached through `_entities`, to its end, `first` rows a page. */
  const pageNested = (typename: string, id: string, field: string, args: string, first: number, nodes = 'id') =>
    pageQuery(
      quality,
      nestedList(typename, field, args, nodes),
      { ...representations(typename, [id]), first },
      (data) => data._entities[0][field],
    );

  beforeAll(async () => {
    quality = await startSubgraph(qualitySystem);
  });
  afterAll(() => quality.stop());

  // Each root list with and without its filters: the rows the database holds, in the list's order.
  const rootLists: {
    field: string;
    args: string;
    first: number;
    nodes: string;
    expected: (db: SubgraphHarness<QualityDatabase>['db']) => Promise<unknown[]>;
    atLeast: number;
  }[] = [
    {
      // oldest first (opened, then number)
      field: 'inspections',
      args: 'siteId: "S01"',
      first: 200,
      nodes: 'id',
      expected: (db) => db.selectFrom('inspections').select('id').where('siteId', '=', 'S01').orderBy('createdAt').orderBy('id').execute(),
      atLeast: 401,
    },
    {
      field: 'inspections',
      args: 'siteId: "S01", status: [COMPLETED], type: RECEIVING',
      first: 17,
      nodes: 'id status inspectionType',
      expected: (db) =>
        db
          .selectFrom('inspections')
          .select(['id', 'status', 'inspectionType'])
          .where('siteId', '=', 'S01')
          .where('status', '=', 'COMPLETED')
          .where('inspectionType', '=', 'RECEIVING')
          .orderBy('createdAt')
          .orderBy('id')
          .execute(),
      atLeast: 21,
    },
    {
      // newest first (reported, then number), the same rows as before paging
      field: 'nonconformances',
      args: '',
      first: 37,
      nodes: 'id reportedAt status',
      expected: async (db) =>
        (
          await db
            .selectFrom('nonconformances')
            .select(['id', 'reportedAt', 'status'])
            .orderBy('reportedAt', 'desc')
            .orderBy('id', 'desc')
            .execute()
        ).map((r) => ({ ...r, reportedAt: r.reportedAt.toISOString() })),
      atLeast: 151,
    },
    {
      field: 'nonconformances',
      args: 'status: [OPEN, CONTAINED], source: INSPECTION',
      first: 5,
      nodes: 'id',
      expected: (db) =>
        db
          .selectFrom('nonconformances')
          .select('id')
          .where('status', 'in', ['OPEN', 'CONTAINED'])
          .where('source', '=', 'INSPECTION')
          .orderBy('reportedAt', 'desc')
          .orderBy('id', 'desc')
          .execute(),
      atLeast: 1,
    },
  ];

  it.each(rootLists)(
    'pages $field($args) to the end, $first a page, each row once, in order',
    async ({ field, args, first, nodes, expected, atLeast }) => {
      const rows = await expected(quality.db);
      expect(rows.length).toBeGreaterThanOrEqual(atLeast);
      const paged = await pageRoot(field, args, first, nodes);
      expect(paged.nodes).toEqual(rows);
      expect(paged.pages).toBe(Math.ceil(rows.length / first));
    },
  );

  it('answers an empty status filter with an empty page', async () => {
    const { inspections } = await ok(`{ inspections(siteId: "S01", status: []) { nodes { id } pageInfo { hasNextPage endCursor } } }`);
    expect(inspections).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('pages by the exact instant: rows reported in the same microsecond, or a microsecond apart, each come once and in order', async () => {
    const db = quality.db;
    const complaint = (id: string, reportedAt: string) => ({
      id,
      source: 'CUSTOMER_COMPLAINT',
      severity: 'MINOR',
      description: 'paging probe',
      status: 'OPEN',
      materialId: 'M000001',
      lotId: null,
      customerId: 'C99901',
      supplierId: null,
      nonconformingQuantity: null,
      disposition: null,
      inspectionId: null,
      sourceFindingId: null,
      reportedAt: sql<Date>`${reportedAt}::timestamptz`,
      dispositionedAt: null,
    });
    await db
      .insertInto('nonconformances')
      .values([
        complaint('NCP0001', '2030-01-01 00:00:00.123455+00'),
        complaint('NCP0002', '2030-01-01 00:00:00.123456+00'),
        complaint('NCP0003', '2030-01-01 00:00:00.123456+00'),
        complaint('NCP0004', '2030-01-01 00:00:00.123456+00'),
        complaint('NCP0005', '2030-01-01 00:00:00.123457+00'),
      ] as any)
      .execute();
    try {
      const nested = await pageNested('Customer', 'C99901', 'complaints', '', 1);
      expect(nested.ids).toEqual(['NCP0005', 'NCP0004', 'NCP0003', 'NCP0002', 'NCP0001']);
      // In the root list they are the newest; pages of two split the tied three.
      const root = await pageRoot('nonconformances', '', 2);
      expect(root.ids.slice(0, 5)).toEqual(['NCP0005', 'NCP0004', 'NCP0003', 'NCP0002', 'NCP0001']);
      expect(new Set(root.ids).size).toBe(root.ids.length);
    } finally {
      await db.deleteFrom('nonconformances').where('customerId', '=', 'C99901').execute();
    }
  });

  it('pages the inspections of lots and work orders and the complaints of customers to the end, each once, in order', async () => {
    const db = quality.db;
    // Seeded lots have one inspection each: three more (two opened in the same microsecond) make a list to page.
    const [seeded] = await db.selectFrom('inspections').selectAll().where('workOrderId', 'is not', null).orderBy('id').limit(1).execute();
    const probe = (id: string, createdAt: string) => ({
      ...seeded!,
      id,
      status: 'OPEN',
      usageDecision: null,
      decidedAt: null,
      createdAt: sql<Date>`${createdAt}::timestamptz`,
    });
    await db
      .insertInto('inspections')
      .values([
        probe('INP0000001', '2030-01-01 00:00:00.000002+00'),
        probe('INP0000002', '2030-01-01 00:00:00.000001+00'),
        probe('INP0000003', '2030-01-01 00:00:00.000001+00'),
      ] as any)
      .execute();
    try {
      const ids = async (rows: Promise<{ id: string }[]>) => (await rows).map((r) => r.id);
      const inspectionsOf = (parent: 'lotId' | 'workOrderId', id: string) =>
        ids(db.selectFrom('inspections').select('id').where(parent, '=', id).orderBy('createdAt').orderBy('id').execute());
      const [customer] = await db
        .selectFrom('nonconformances')
        .select('customerId')
        .where('source', '=', 'CUSTOMER_COMPLAINT')
        .groupBy('customerId')
        .orderBy((eb) => eb.fn.countAll(), 'desc')
        .orderBy('customerId')
        .limit(1)
        .execute();
      const complaints = await db
        .selectFrom('nonconformances')
        .select(['id', 'status'])
        .where('customerId', '=', customer!.customerId)
        .where('source', '=', 'CUSTOMER_COMPLAINT')
        .orderBy('reportedAt', 'desc')
        .orderBy('id', 'desc')
        .execute();
      expect(complaints.length).toBeGreaterThan(1);
      const status = complaints[0]!.status;

      const lists: { typename: string; id: string; field: string; args: string; expected: string[]; atLeast: number }[] = [
        {
          typename: 'Lot',
          id: seeded!.lotId,
          field: 'inspections',
          args: '',
          expected: await inspectionsOf('lotId', seeded!.lotId),
          atLeast: 4,
        },
        {
          typename: 'WorkOrder',
          id: seeded!.workOrderId!,
          field: 'inspections',
          args: '',
          expected: await inspectionsOf('workOrderId', seeded!.workOrderId!),
          atLeast: 4,
        },
        {
          typename: 'Customer',
          id: customer!.customerId!,
          field: 'complaints',
          args: '',
          expected: complaints.map((c) => c.id),
          atLeast: 2,
        },
        {
          typename: 'Customer',
          id: customer!.customerId!,
          field: 'complaints',
          args: `status: [${status}]`,
          expected: complaints.filter((c) => c.status === status).map((c) => c.id),
          atLeast: 1,
        },
      ];
      for (const { typename, id, field, args, expected, atLeast } of lists) {
        const list = `${typename}(${id}).${field}(${args})`;
        const paged = await pageNested(typename, id, field, args, 1);
        expect({ list, ids: paged.ids, enough: expected.length >= atLeast }).toEqual({ list, ids: expected, enough: true });
      }
      // The probes come last in their lot, the tied two by number.
      expect(lists[0]!.expected.slice(-3)).toEqual(['INP0000002', 'INP0000003', 'INP0000001']);

      // A lot or work order quality has nothing of gets an empty connection, not null.
      const { _entities: none } = await ok(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Lot { inspections { nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
        representations('Lot', ['L99999999']),
      );
      expect(none[0].inspections).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    } finally {
      await db.deleteFrom('inspections').where('id', 'like', 'INP%').execute();
    }
  });

  it('sends as many statements for one parent as for 200, and for a later page as for the first', async () => {
    const db = quality.db;
    const lotIds = (await db.selectFrom('inspections').select('lotId').distinct().orderBy('lotId').limit(200).execute()).map(
      (r) => r.lotId,
    );
    const orderIds = (
      await db
        .selectFrom('inspections')
        .select('workOrderId')
        .distinct()
        .where('workOrderId', 'is not', null)
        .orderBy('workOrderId')
        .limit(200)
        .execute()
    ).map((r) => r.workOrderId!);
    const customerIds = (
      await db
        .selectFrom('nonconformances')
        .select('customerId')
        .distinct()
        .where('customerId', 'is not', null)
        .orderBy('customerId')
        .execute()
    ).map((r) => r.customerId!);
    expect(lotIds).toHaveLength(200);
    expect(orderIds.length).toBeGreaterThan(50);
    expect(customerIds.length).toBeGreaterThan(10);

    const cases: [string, string[], string][] = [
      ['Lot', lotIds, 'inspections'],
      ['WorkOrder', orderIds, 'inspections'],
      ['Customer', customerIds, 'complaints'],
    ];
    for (const [typename, ids, field] of cases) {
      const measure = async (parents: string[], after: string | null) => {
        const { data, errors, statements } = await quality.execute(nestedList(typename, field, '', 'id'), {
          ...representations(typename, parents),
          first: 1,
          after,
        });
        expect(errors).toBeUndefined();
        return { statements, result: data._entities as any[] };
      };
      const one = await measure(ids.slice(0, 1), null);
      const many = await measure(ids, null);
      const later = await measure(ids.slice(0, 1), one.result[0][field].pageInfo.endCursor);
      expect({ typename, one: one.statements, many: many.statements, later: later.statements }).toEqual({
        typename,
        one: 1,
        many: 1,
        later: 1,
      });
      expect(many.result.filter((parent) => parent[field].nodes.length === 1).length).toBeGreaterThan(Math.min(ids.length, 10));
    }
  });

  it('serves each page from an index in the keyset order behind its filter (no sort, no OFFSET)', async () => {
    // Cursors before every row of the seed, so that each plan is that of a long list.
    const after = sql`('2000-01-01T00:00:00.000000Z', 'IN00000000')`;
    const newer = sql`('2100-01-01T00:00:00.000000Z', 'NC999999')`;
    const db = quality.db;
    const lotIds = (await db.selectFrom('inspections').select('lotId').orderBy('lotId').limit(20).execute()).map((r) => r.lotId);
    const orderIds = (
      await db
        .selectFrom('inspections')
        .select('workOrderId')
        .where('workOrderId', 'is not', null)
        .orderBy('workOrderId')
        .limit(20)
        .execute()
    ).map((r) => r.workOrderId!);
    const customerIds = (
      await db
        .selectFrom('nonconformances')
        .select('customerId')
        .where('customerId', 'is not', null)
        .orderBy('customerId')
        .limit(20)
        .execute()
    ).map((r) => r.customerId!);
    const plans = await db.connection().execute(async (conn) => {
      // Planned on the seeded rows' statistics, as in a running plant (autovacuum analyses after the seed).
      await sql`analyze inspections, nonconformances`.execute(conn);
      // Without the other scans, a plan without a sort shows that the index itself is in the keyset order
      // (for a few rows per parent the planner may rightly prefer a bitmap scan and a sort).
      await sql`set enable_seqscan = off`.execute(conn);
      await sql`set enable_bitmapscan = off`.execute(conn);
      try {
        const explain = async (query: ReturnType<typeof sql>) =>
          (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(conn)).rows.map((r) => r['QUERY PLAN']).join('\n');
        const perParent = (table: string, parent: string, keys: string[], where: ReturnType<typeof sql>, order: ReturnType<typeof sql>) =>
          explain(sql`select child.* from unnest(${keys}::text[]) as parent(key) cross join lateral (
            select * from ${sql.table(table)} where ${sql.ref(parent)} = parent.key and ${where} order by ${order} limit 51) as child`);
        return {
          inspections: await explain(
            sql`select * from inspections where site_id = 'S01' and (created_at, id) > ${after} order by created_at, id limit 51`,
          ),
          lotInspections: await perParent('inspections', 'lot_id', lotIds, sql`(created_at, id) > ${after}`, sql`created_at, id`),
          workOrderInspections: await perParent(
            'inspections',
            'work_order_id',
            orderIds,
            sql`(created_at, id) > ${after}`,
            sql`created_at, id`,
          ),
          nonconformances: await explain(
            sql`select * from nonconformances where (reported_at, id) < ${newer} order by reported_at desc, id desc limit 51`,
          ),
          complaints: await perParent(
            'nonconformances',
            'customer_id',
            customerIds,
            sql`source = 'CUSTOMER_COMPLAINT' and (reported_at, id) < ${newer}`,
            sql`reported_at desc, id desc`,
          ),
        };
      } finally {
        await sql`reset enable_seqscan`.execute(conn);
        await sql`reset enable_bitmapscan`.execute(conn);
      }
    });
    expect(plans.inspections).toMatch(/Index Scan using inspections_site_created_idx/);
    expect(plans.lotInspections).toMatch(/Index Scan using inspections_lot_created_idx/);
    expect(plans.workOrderInspections).toMatch(/Index Scan using inspections_work_order_created_idx/);
    expect(plans.nonconformances).toMatch(/Index Scan Backward using nonconformances_reported_idx/);
    expect(plans.complaints).toMatch(/Index Scan Backward using nonconformances_customer_reported_idx/);
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(/Sort/);
  });

  it('refuses a page size out of range and a bad cursor with BAD_USER_INPUT, saying what was expected', async () => {
    const refused = async (query: string, variables: Record<string, unknown> = {}) => {
      const result = await quality.execute(query, variables);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return result.errors![0]!.message;
    };
    expect(await refused('{ inspections(siteId: "S01", first: 0) { nodes { id } } }')).toMatch(
      `first: expected 1 to ${PAGE_SIZE_MAX} rows per page, got 0`,
    );
    expect(await refused(`{ nonconformances(first: ${PAGE_SIZE_MAX + 1}) { nodes { id } } }`)).toMatch(/first: expected 1 to/);
    expect(await refused('{ nonconformances(after: "not a cursor!") { nodes { id } } }')).toMatch(/after: not a cursor/);
    // A cursor of another list, even one with the same columns, is refused rather than misread.
    const { nonconformances } = await ok('{ nonconformances(first: 1) { pageInfo { endCursor } } }');
    expect(
      await refused('query ($after: String) { inspections(siteId: "S01", after: $after) { nodes { id } } }', {
        after: nonconformances.pageInfo.endCursor,
      }),
    ).toMatch(/after: a cursor of nonconformances/);
    // A cursor forged with this list's name but no instant in it is refused before it reaches SQL.
    for (const instant of ['yesterday', '2026-02-30T00:00:00.000000Z', '2026-01-01 00:00:00+00']) {
      expect(
        await refused('query ($after: String) { nonconformances(after: $after) { nodes { id } } }', {
          after: encodeCursor('nonconformances', [instant, 'NC000001']),
        }),
      ).toMatch(/after: not a cursor/);
    }
    const nested = async (typename: string, id: string, field: string, variables: Record<string, unknown>) => {
      const result = await quality.execute(nestedList(typename, field, '', 'id'), {
        ...representations(typename, [id]),
        first: null,
        after: null,
        ...variables,
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return result.errors![0]!.message;
    };
    expect(await nested('Lot', 'L00000001', 'inspections', { first: -1 })).toMatch(/first: expected 1 to/);
    expect(
      await nested('WorkOrder', 'WO0000001', 'inspections', {
        after: encodeCursor('Lot.inspections', ['2026-01-01T00:00:00.000000Z', 'IN00000001']),
      }),
    ).toMatch(/after: a cursor of Lot.inspections/);
    expect(
      await nested('Customer', 'C00001', 'complaints', {
        after: encodeCursor('Customer.complaints', ['only one']),
      }),
    ).toMatch(/after: not a cursor/);
    expect(
      await nested('Lot', 'L00000001', 'inspections', {
        after: encodeCursor('Lot.inspections', ['soon', 'IN00000001']),
      }),
    ).toMatch(/after: not a cursor/);
  });
});
