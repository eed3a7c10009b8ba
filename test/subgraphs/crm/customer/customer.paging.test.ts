import { sql } from 'kysely';
import type { CrmDatabase } from '../../../../subgraphs/crm/db';
import { crmSystem } from '../../../../subgraphs/crm/server';
import { pageToEnd as pageConnection } from '../../../support/paging';
import { startSubgraph, type SubgraphHarness } from '../../../support/subgraph';

const CUSTOMERS = `query ($first: Int, $after: String, $segment: CustomerSegment, $search: String) {
  customers(segment: $segment, search: $search, first: $first, after: $after) {
    nodes { id segment }
    edges { cursor node { id segment } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('CRM customers in pages', () => {
  let crm: SubgraphHarness<CrmDatabase>;
  beforeAll(async () => {
    crm = await startSubgraph(crmSystem);
  });
  afterAll(() => crm.stop());

  async function pageToEnd(variables: Record<string, unknown>) {
    const { nodes, pages } = await pageConnection(async (after) => {
      const result = await crm.execute(CUSTOMERS, { ...variables, after });
      expect(result.errors).toBeUndefined();
      const page = result.data.customers;
      expect(page.edges.map((e: any) => e.node)).toEqual(page.nodes);
      expect(page.pageInfo).toEqual({
        hasNextPage: page.pageInfo.hasNextPage,
        hasPreviousPage: after !== null,
        startCursor: page.edges[0]?.cursor ?? null,
        endCursor: page.edges.at(-1)?.cursor ?? null,
      });
      if (page.pageInfo.hasNextPage) expect(page.nodes).toHaveLength(variables.first as number);
      return page;
    });
    return { rows: nodes as { id: string; segment: string }[], pages };
  }

  it('pages every customer once, by id, and 50 to a page when first is not given', async () => {
    const expected = await crm.db.selectFrom('customers').select(['id', 'segment']).orderBy('id').execute();
    const { rows, pages } = await pageToEnd({ first: 40 });
    expect(rows).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 40));

    const byDefault = await crm.execute('{ customers { nodes { id } pageInfo { hasNextPage } } }');
    expect(byDefault.data.customers.nodes.map((c: any) => c.id)).toEqual(expected.slice(0, 50).map((c) => c.id));
    expect(byDefault.data.customers.pageInfo.hasNextPage).toBe(true);
  });

  it('keeps the segment filter and the search on every page', async () => {
    const key = await pageToEnd({ first: 7, segment: 'KEY' });
    expect(key.rows).toEqual(
      await crm.db.selectFrom('customers').select(['id', 'segment']).where('segment', '=', 'KEY').orderBy('id').execute(),
    );
    expect(key.pages).toBeGreaterThan(1);

    const search = await pageToEnd({ first: 3, search: 'C0001' });
    expect(search.rows.map((c) => c.id)).toEqual(Array.from({ length: 10 }, (_, i) => `C0001${i}`));
  });

  it('refuses first out of range and a bad or foreign cursor with BAD_USER_INPUT', async () => {
    const workOrdersCursor = Buffer.from(JSON.stringify(['workOrders', '2026-01-01', 'WO0000001'])).toString('base64url');
    for (const [variables, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 201 }, 'first'],
      [{ after: 'not a cursor' }, 'after'],
      [{ after: Buffer.from('["customers"]').toString('base64url') }, 'after'],
      [{ after: workOrdersCursor }, 'after'],
    ] as const) {
      const result = await crm.execute(CUSTOMERS, variables);
      expect([variables, result.errors?.[0]?.extensions]).toEqual([variables, expect.objectContaining({ code: 'BAD_USER_INPUT', field })]);
    }
  });

  it('serves a later page from the primary key in id order (no sort, no OFFSET)', async () => {
    const plan = await crm.db.connection().execute(async (conn) => {
      await sql`set enable_seqscan = off`.execute(conn);
      try {
        const { rows } = await sql<{
          'QUERY PLAN': string;
        }>`explain select * from customers where id > ${'C00100'} order by id limit 51`.execute(conn);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await sql`reset enable_seqscan`.execute(conn);
      }
    });
    expect(plan).toMatch(/Index Scan using customers_pkey/);
    expect(plan).not.toMatch(/Sort/);
  });
});
