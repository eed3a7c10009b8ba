import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../../platform/paging';
import type { AuditsDatabase } from '../../../subgraphs/audits/db';
import { auditsSystem } from '../../../subgraphs/audits/server';
import { pageToEnd as pageConnection } from '../../support/paging';
import { startSubgraph, type SubgraphHarness, type SubgraphResult } from '../../support/subgraph';

const AUDITS = `query ($workCenterIds: [ID!], $status: [AuditStatus!], $from: Date, $first: Int, $after: String) {
  audits(workCenterIds: $workCenterIds, status: $status, from: $from, first: $first, after: $after) {
    nodes { id scheduledFor }
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const CENTER_AUDITS = `query ($representations: [_Any!]!, $layer: Int, $first: Int, $after: String) {
  _entities(representations: $representations) {
    ... on WorkCenter { id audits(layer: $layer, first: $first, after: $after) { nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }
  }
}`;

const centers = (ids: readonly string[]) => ({ representations: ids.map((id) => ({ __typename: 'WorkCenter', id })) });
const centerId = (n: number) => `WC${String(n).padStart(3, '0')}`;

describe('audits paging: audits and WorkCenter.audits', () => {
  let audits: SubgraphHarness<AuditsDatabase>;
  const q = () => audits.db;
  const run = (source: string, variables: Record<string, unknown> = {}) => audits.execute(source, variables);

  /** Every page of a list from the first on, through the shared pager; `read` picks the connection out of a result. */
  async function pageToEnd(fetch: (after: string | null) => Promise<SubgraphResult>, read: (data: any) => any) {
    const statements = new Set<number>();
    const { nodes, pages } = await pageConnection(async (after) => {
      const result = await fetch(after);
      expect(result.errors).toBeUndefined();
      statements.add(result.statements);
      return read(result.data);
    });
    return { ids: nodes.map((n: { id: string }) => n.id), pages, statements };
  }

  beforeAll(async () => {
    audits = await startSubgraph(auditsSystem);
  });
  afterAll(() => audits.stop());

  it('pages every audit to the end, each once, in date order then by audit number, one statement a page', async () => {
    const expected = (await q().selectFrom('audits').select('id').orderBy('scheduledFor').orderBy('id').execute()).map((r) => r.id);
    // Several audits share a day, so the audit number decides between them.
    const days = await q().selectFrom('audits').select('scheduledFor').distinct().execute();
    expect(days.length).toBeLessThan(expected.length);
    const { ids, pages, statements } = await pageToEnd(
      (after) => run(AUDITS, { first: 150, after }),
      (data) => data.audits,
    );
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 150));
    expect(statements).toEqual(new Set([1]));
  });

  it('pages audits filtered by work centers, status and date, keeping the filter on every page', async () => {
    const filter = { workCenterIds: ['WC003', 'WC011'], status: ['COMPLETED', 'MISSED'], from: '2026-08-01' };
    const expected = (
      await q()
        .selectFrom('audits')
        .select('id')
        .where('workCenterId', 'in', filter.workCenterIds)
        .where('status', 'in', filter.status)
        .where('scheduledFor', '>=', filter.from)
        .orderBy('scheduledFor')
        .orderBy('id')
        .execute()
    ).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(10);
    const { ids } = await pageToEnd(
      (after) => run(AUDITS, { ...filter, first: 4, after }),
      (data) => data.audits,
    );
    expect(ids).toEqual(expected);
  });

  it('gives the default page without first, edges with cursors, and an empty page where nothing matches', async () => {
    const { data } = await run(AUDITS);
    expect(data.audits.nodes).toHaveLength(PAGE_SIZE_DEFAULT);
    expect(data.audits.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(data.audits.nodes.map((n: { id: string }) => n.id));
    expect(data.audits.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: data.audits.edges[0].cursor,
      endCursor: data.audits.edges[PAGE_SIZE_DEFAULT - 1].cursor,
    });
    const none = await run(AUDITS, { workCenterIds: ['WC999'] });
    expect(none.data.audits).toEqual({
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    const unknown = await run(CENTER_AUDITS, centers(['WC999']));
    expect(unknown.data._entities[0].audits).toEqual({
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null },
    });
  });

  it("pages a work center's audits of one layer to the end, each once, in date order", async () => {
    const expected = (
      await q()
        .selectFrom('audits')
        .select('id')
        .where('workCenterId', '=', 'WC007')
        .where('layer', '=', 2)
        .orderBy('scheduledFor')
        .orderBy('id')
        .execute()
    ).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(6);
    const { ids, pages } = await pageToEnd(
      (after) => run(CENTER_AUDITS, { ...centers(['WC007']), layer: 2, first: 3, after }),
      (data) => data._entities[0].audits,
    );
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 3));
  });

  it.each([0, -5, PAGE_SIZE_MAX + 1])('refuses first: %p on audits and WorkCenter.audits with BAD_USER_INPUT', async (first) => {
    const root = await run(AUDITS, { first });
    expect(root.data).toBeNull();
    expect(root.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const nested = await run(CENTER_AUDITS, { ...centers(['WC001']), first });
    expect(nested.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it("refuses a cursor that is not one, and another list's cursor, with BAD_USER_INPUT", async () => {
    const rootCursor = (await run(AUDITS, { first: 1 })).data.audits.pageInfo.endCursor as string;
    const nestedCursor = (await run(CENTER_AUDITS, { ...centers(['WC001']), first: 1 })).data._entities[0].audits.pageInfo
      .endCursor as string;
    const bad = await run(AUDITS, { after: 'x'.repeat(600) });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const crossed = await run(AUDITS, { after: nestedCursor });
    expect(crossed.errors![0]!.message).toMatch(/a cursor of WorkCenter\.audits/);
    const nested = await run(CENTER_AUDITS, { ...centers(['WC001']), after: rootCursor });
    expect(nested.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(nested.errors![0]!.message).toMatch(/a cursor of audits/);
  });

  it('sends one statement for the audits of 1 work center or of 200, on the first page and on a later one', async () => {
    // Twenty seeded centers and 180 unknown ones, which get empty pages from the same statement.
    const many = Array.from({ length: 200 }, (_, i) => (i < 20 ? centerId(i + 1) : `WC${i + 1}X`));
    const first = await run(CENTER_AUDITS, { ...centers(many.slice(0, 1)), first: 5 });
    const all = await run(CENTER_AUDITS, { ...centers(many), first: 5 });
    expect(all.errors).toBeUndefined();
    expect(all.data._entities.slice(0, 20).every((c: any) => c.audits.nodes.length === 5 && c.audits.pageInfo.hasNextPage)).toBe(true);
    expect(first.statements).toBe(1);
    expect(all.statements).toBe(1);

    const after = first.data._entities[0].audits.pageInfo.endCursor as string;
    const oneLater = await run(CENTER_AUDITS, { ...centers(many.slice(0, 1)), first: 5, after });
    const allLater = await run(CENTER_AUDITS, { ...centers(many), first: 5, after });
    expect(allLater.errors).toBeUndefined();
    expect(oneLater.statements).toBe(1);
    expect(allLater.statements).toBe(1);
    const second = (
      await q()
        .selectFrom('audits')
        .select('id')
        .where('workCenterId', '=', 'WC001')
        .orderBy('scheduledFor')
        .orderBy('id')
        .offset(5)
        .limit(5)
        .execute()
    ).map((r) => r.id);
    expect(allLater.data._entities[0].audits.nodes.map((n: { id: string }) => n.id)).toEqual(second);
  });
});
