import { sql } from 'kysely';
import { dbQueryCount } from '../../../platform/metrics';
import type { InventoryDatabase } from '../../../subgraphs/inventory/db';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { encodeCursor, PAGE_SIZE_MAX } from '../../../subgraphs/kit/paging';
import { UNPOSTED_COUNTED } from '../../../subgraphs/inventory/enums';
import { startSubgraph, type SubgraphHarness } from '../../support/subgraph';
import { PAGE_INFO, pageQuery } from '../../support/paging';

describe('inventory paging: count tasks and the discrepancy worklist', () => {
  let inventory: SubgraphHarness<InventoryDatabase>;
  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const result = await inventory.execute(query, variables);
    expect(result.errors).toBeUndefined();
    return result.data;
  };

  beforeAll(async () => {
    inventory = await startSubgraph(inventorySystem);
  });
  afterAll(() => inventory.stop());

  it('pages the count tasks of a site to the end, each once, by scheduled date then id, filters kept', async () => {
    const db = inventory.db;
    const expected = await db
      .selectFrom('countTasks')
      .select(['id', 'scheduledFor'])
      .where('siteId', '=', 'S01')
      .orderBy('scheduledFor')
      .orderBy('id')
      .execute();
    expect(expected.length).toBeGreaterThan(600);
    const { nodes, pages } = await pageQuery(
      inventory,
      `query ($after: String) { countTasks(siteId: "S01", first: ${PAGE_SIZE_MAX}, after: $after) { nodes { id scheduledFor } ${PAGE_INFO} } }`,
      {},
      (data) => data.countTasks,
    );
    expect(nodes).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / PAGE_SIZE_MAX));

    const date = expected[Math.floor(expected.length / 2)]!.scheduledFor;
    const scheduled = await db
      .selectFrom('countTasks')
      .select('id')
      .where('siteId', '=', 'S01')
      .where('status', 'in', ['SCHEDULED', 'POSTED'])
      .orderBy('scheduledFor')
      .orderBy('id')
      .execute();
    const filtered = await pageQuery(
      inventory,
      `query ($after: String) { countTasks(siteId: "S01", status: [SCHEDULED, POSTED], first: 61, after: $after) { nodes { id status } ${PAGE_INFO} } }`,
      {},
      (data) => data.countTasks,
    );
    expect(filtered.nodes.map((n) => n.id)).toEqual(scheduled.map((r) => r.id));
    expect(filtered.pages).toBeGreaterThan(2);
    const onDate = await db
      .selectFrom('countTasks')
      .select('id')
      .where('siteId', '=', 'S01')
      .where('scheduledFor', '=', date)
      .orderBy('id')
      .execute();
    const { countTasks } = await ok(
      `query ($date: Date) { countTasks(siteId: "S01", scheduledFor: $date, first: ${PAGE_SIZE_MAX}) { nodes { id } } }`,
      { date },
    );
    expect(countTasks.nodes.map((n: { id: string }) => n.id)).toEqual(onDate.map((r) => r.id).slice(0, PAGE_SIZE_MAX));
    const none = await ok('{ countTasks(siteId: "S01", status: []) { nodes { id } pageInfo { hasNextPage endCursor } } }');
    expect(none.countTasks).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('pages the discrepancy worklist to the end, each material-site once, by material id, the class filter kept', async () => {
    const db = inventory.db;
    const unposted = await db
      .selectFrom('countTasks')
      .select('materialId')
      .distinct()
      .where('siteId', '=', 'S01')
      .where('status', 'in', [...UNPOSTED_COUNTED])
      .orderBy('materialId')
      .execute();
    expect(unposted.length).toBeGreaterThan(10);
    const { nodes } = await pageQuery(
      inventory,
      `query ($after: String) { countDiscrepancies(siteId: "S01", first: 9, after: $after) { nodes { materialId siteId abcClass } ${PAGE_INFO} } }`,
      {},
      (data) => data.countDiscrepancies,
    );
    expect(nodes.map((n) => n.materialId)).toEqual(unposted.map((r) => r.materialId));
    expect(nodes.every((n) => n.siteId === 'S01')).toBe(true);
    const classA = await pageQuery(
      inventory,
      `query ($after: String) { countDiscrepancies(siteId: "S01", abcClass: A, first: 2, after: $after) { nodes { materialId abcClass } ${PAGE_INFO} } }`,
      {},
      (data) => data.countDiscrepancies,
    );
    expect(classA.nodes.map((n) => n.materialId)).toEqual(nodes.filter((n) => n.abcClass === 'A').map((n) => n.materialId));
  });

  it('sends one statement per page, for a later page as for the first', async () => {
    const statements = async (query: string, after: string | null) => {
      const before = await dbQueryCount('inventory');
      const data = await ok(query, { after });
      return { statements: (await dbQueryCount('inventory')) - before, data };
    };
    const tasks =
      'query ($after: String) { countTasks(siteId: "S01", first: 25, after: $after) { nodes { id status } pageInfo { endCursor } } }';
    const first = await statements(tasks, null);
    const later = await statements(tasks, first.data.countTasks.pageInfo.endCursor);
    expect([first.statements, later.statements]).toEqual([1, 1]);
    expect(later.data.countTasks.nodes[0].id).not.toBe(first.data.countTasks.nodes[0].id);
    const worklist =
      'query ($after: String) { countDiscrepancies(siteId: "S01", first: 3, after: $after) { nodes { materialId } pageInfo { endCursor } } }';
    const firstWorklist = await statements(worklist, null);
    const laterWorklist = await statements(worklist, firstWorklist.data.countDiscrepancies.pageInfo.endCursor);
    expect([firstWorklist.statements, laterWorklist.statements]).toEqual([1, 1]);
  });

  it('serves each page from an index in the keyset order behind the site (no sort, no OFFSET)', async () => {
    const plans = await inventory.db.connection().execute(async (conn) => {
      // Planned on the seeded rows' statistics, as in a running plant (autovacuum analyses after the seed).
      await sql`analyze count_tasks, material_site_profiles`.execute(conn);
      // Without the other scans, a plan without a sort shows that the index itself is in the keyset order
      // (for a few rows per parent the planner may rightly prefer a bitmap scan and a sort).
      await sql`set enable_seqscan = off`.execute(conn);
      await sql`set enable_bitmapscan = off`.execute(conn);
      try {
        const explain = async (query: ReturnType<typeof sql>) =>
          (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(conn)).rows.map((r) => r['QUERY PLAN']).join('\n');
        return {
          countTasks: await explain(
            sql`select * from count_tasks where site_id = 'S01' and (scheduled_for, id) > ('2026-03-01', 'CT-S01') order by scheduled_for, id limit 51`,
          ),
          countDiscrepancies: await explain(
            sql`select p.* from material_site_profiles p where p.site_id = 'S01' and p.material_id > 'M000100' order by p.material_id limit 51`,
          ),
        };
      } finally {
        await sql`reset enable_seqscan`.execute(conn);
        await sql`reset enable_bitmapscan`.execute(conn);
      }
    });
    expect(plans.countTasks).toMatch(/Index Scan using count_tasks_site_schedule_idx/);
    expect(plans.countDiscrepancies).toMatch(/Index (Only )?Scan using material_site_profiles_site_material_idx/);
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(/Sort/);
  });

  it('refuses a page size out of range and a bad cursor with BAD_USER_INPUT, saying what was expected', async () => {
    const refused = async (query: string, variables: Record<string, unknown> = {}) => {
      const result = await inventory.execute(query, variables);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return result.errors![0]!.message;
    };
    expect(await refused('{ countTasks(siteId: "S01", first: 0) { nodes { id } } }')).toMatch(
      `first: expected 1 to ${PAGE_SIZE_MAX} rows per page, got 0`,
    );
    expect(await refused(`{ countDiscrepancies(siteId: "S01", first: ${PAGE_SIZE_MAX + 1}) { nodes { materialId } } }`)).toMatch(
      /first: expected 1 to/,
    );
    expect(await refused('{ countTasks(siteId: "S01", after: "%%%") { nodes { id } } }')).toMatch(
      /after: not a cursor; pass the endCursor/,
    );
    // A cursor of another list is refused rather than misread, whatever its shape.
    const { countTasks } = await ok('{ countTasks(siteId: "S01", first: 1) { pageInfo { endCursor } } }');
    expect(
      await refused('query ($after: String) { countDiscrepancies(siteId: "S01", after: $after) { nodes { materialId } } }', {
        after: countTasks.pageInfo.endCursor,
      }),
    ).toMatch(/after: not a cursor/);
    expect(
      await refused('query ($after: String) { countDiscrepancies(siteId: "S01", after: $after) { nodes { materialId } } }', {
        after: encodeCursor('countTasks', ['M000001']),
      }),
    ).toMatch(/after: a cursor of countTasks/);
    expect(
      await refused('query ($after: String) { countTasks(siteId: "S01", after: $after) { nodes { id } } }', {
        after: encodeCursor('countTasks', ['2026-01-01']),
      }),
    ).toMatch(/not a cursor/);
    // A cursor forged with this list's name but no date in it is refused before it reaches SQL.
    for (const date of ['tomorrow', '2026-02-30', 20260101]) {
      expect(
        await refused('query ($after: String) { countTasks(siteId: "S01", after: $after) { nodes { id } } }', {
          after: encodeCursor('countTasks', [date, 'CT-S01']),
        }),
      ).toMatch(/after: not a cursor/);
    }
  });
});
