import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { dbQueryCount } from '../../platform/metrics';
import { PAGE_SIZE_MAX } from '../../platform/paging';
import { auditsSystem } from '../../subgraphs/audits/server';
import { erpSystem } from '../../subgraphs/erp/server';
import { ids } from '../../subgraphs/kit/seed/world';
import { mesSystem } from '../../subgraphs/mes/server';
import { startTestStack, testToken, type TestStack } from '../support/stack';

/**
 * Paging as a frontend meets it at the gateway: SQL statements per request that do not depend on
 * the page size or the page's position, the cost limit counting `first`, the errors of a bad page
 * request, and Apollo Client's relayStylePagination merging pages (the example of docs/paging.md).
 */
describe('paging through the gateway', () => {
  let stack: TestStack;
  let authorization: string;
  const audits = () => stack.databases.audits!.database.db as any;

  beforeAll(async () => {
    // MES computes on ERP's work orders (@requires), so it composes only beside ERP.
    stack = await startTestStack([erpSystem, mesSystem, auditsSystem]);
    authorization = `Bearer ${await testToken()}`;
  }, 120_000);
  afterAll(() => stack?.stop());

  /** The statements ERP, MES and audits ran for one request, and its answer. */
  async function measured(query: string, variables: Record<string, unknown>) {
    const count = async () => (await dbQueryCount('erp')) + (await dbQueryCount('mes')) + (await dbQueryCount('audits'));
    const before = await count();
    const { status, body } = await stack.query(query, variables);
    return { statements: (await count()) - before, status, body };
  }

  // A site's work centers with a page of each one's audits: a nested paged list.
  const WORK_CENTER_AUDITS = `query ($first: Int, $after: String) {
    workCenters(siteId: "S01") {
      id
      audits(first: $first, after: $after) {
        nodes { id scheduledFor status findings { question severity } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

  it('sends as many statements for first: 5 as for first: 100, and for page 1 as for page 3 of every work center', async () => {
    const five = await measured(WORK_CENTER_AUDITS, { first: 5 });
    const hundred = await measured(WORK_CENTER_AUDITS, { first: 100 });
    expect(five.body.errors).toBeUndefined();
    expect(hundred.body.errors).toBeUndefined();
    const rows = (r: typeof five) => (r.body.data.workCenters as any[]).reduce((n, w) => n + w.audits.nodes.length, 0);
    expect(rows(hundred)).toBeGreaterThan(rows(five) * 5);
    expect(five.statements).toBeGreaterThan(0);
    expect(hundred.statements).toBe(five.statements);

    // The work center with the longest history; its cursors page every work center from the same point.
    const longest = (hundred.body.data.workCenters as any[]).reduce((a, b) => (b.audits.nodes.length > a.audits.nodes.length ? b : a));
    const pageOf = async (after: string | null) => {
      const r = await measured(WORK_CENTER_AUDITS, { first: 5, after });
      expect(r.body.errors).toBeUndefined();
      return { ...r, mine: (r.body.data.workCenters as any[]).find((w) => w.id === longest.id).audits };
    };
    const page1 = await pageOf(null);
    const page2 = await pageOf(page1.mine.pageInfo.endCursor);
    const page3 = await pageOf(page2.mine.pageInfo.endCursor);
    expect(page3.mine.nodes).toHaveLength(5);
    expect(page3.mine.nodes.map((a: any) => a.id)).toEqual(longest.audits.nodes.slice(10, 15).map((a: any) => a.id));
    expect(page3.statements).toBe(page1.statements);
  });

  it('refuses 200 rows of 200 rows before asking any system, and answers 10 of 10', async () => {
    const query = (n: number) => `{
      audits(first: ${n}) { nodes { id workCenter { audits(first: ${n}) { nodes { id findings { question severity status } } } } } }
    }`;
    const large = await measured(query(PAGE_SIZE_MAX), {});
    expect(large.status).toBe(400);
    expect(large.body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'cost', max: 1_000_000 });
    expect(large.statements).toBe(0);
    const small = await measured(query(10), {});
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data.audits.nodes).toHaveLength(10);
  });

  it('refuses a page size out of range and a cursor that is not one of the list, saying what it expected', async () => {
    const ask = (first: number, after: string | null) =>
      stack.query('query ($first: Int, $after: String) { audits(first: $first, after: $after) { nodes { id } } }', { first, after });
    for (const first of [0, PAGE_SIZE_MAX + 1]) {
      const { body } = await ask(first, null);
      expect(body.data).toBeNull();
      expect(body.errors![0]!).toMatchObject({
        message: `first: expected 1 to ${PAGE_SIZE_MAX} rows per page, got ${first}`,
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    const garbage = await ask(5, 'not a cursor!');
    expect(garbage.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(garbage.body.errors![0]!.message).toMatch(/^after: not a cursor; pass the endCursor/);
    // A cursor of a work center's audits is not a cursor of the root list, though both hold audits.
    const nested = await stack.query(WORK_CENTER_AUDITS, { first: 1 });
    const foreign = (nested.body.data.workCenters as any[]).find((w) => w.audits.pageInfo.endCursor).audits.pageInfo.endCursor;
    const refused = await ask(5, foreign);
    expect(refused.body.errors![0]!).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(refused.body.errors![0]!.message).toMatch(
      /^after: a cursor of WorkCenter\.audits; pass the endCursor \(or an edge's cursor\) of a page of audits$/,
    );
  });

  it("pages with Apollo Client's relayStylePagination: pages of one filter merge into one list, in order, each row once", async () => {
    const workCenterIds = [ids.workCenter(1), ids.workCenter(2)];
    const expected = await audits()
      .selectFrom('audits')
      .select('id')
      .where('workCenterId', 'in', workCenterIds)
      .orderBy('scheduledFor')
      .orderBy('id')
      .execute();
    expect(expected.length).toBeGreaterThan(20);

    const client = new ApolloClient({
      link: new HttpLink({ uri: stack.gatewayUrl, headers: { authorization } }),
      cache: new InMemoryCache({
        typePolicies: { Query: { fields: { audits: relayStylePagination(['workCenterIds', 'status', 'from', 'to']) } } },
      }),
    });
    const AUDITS = gql`
      query WorkCenterAudits($workCenterIds: [ID!], $after: String) {
        audits(workCenterIds: $workCenterIds, first: 20, after: $after) {
          edges {
            cursor
            node {
              id
              scheduledFor
              status
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    `;
    type Page = {
      audits: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    };
    let result = (await client.query<Page>({ query: AUDITS, variables: { workCenterIds } })).data!;
    let pages = 1;
    while (result.audits.pageInfo.hasNextPage) {
      // What fetchMore does for a "more" button: the next page, merged into the cached list.
      await client.query<Page>({
        query: AUDITS,
        variables: { workCenterIds, after: result.audits.pageInfo.endCursor },
        fetchPolicy: 'network-only',
      });
      result = client.readQuery<Page>({ query: AUDITS, variables: { workCenterIds } })!;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(expected.length / 20));
    expect(result.audits.edges.map((edge) => edge.node.id)).toEqual(expected.map((row: { id: string }) => row.id));
    client.stop();
  });
});
