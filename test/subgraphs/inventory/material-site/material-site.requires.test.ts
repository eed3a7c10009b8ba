import { dbQueryCount } from '../../../../platform/metrics';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { inventorySystem } from '../../../../subgraphs/inventory/server';
import { startTestStack, type GraphQLResponse, type TestStack } from '../../../support/stack';

/** One page of `materialSites` as the foundation query selects it. */
type SitesPage = { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

describe('inventory MaterialSite fields that @require ERP values, through the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
  });
  afterAll(() => stack.stop());

  it('computes countVarianceQuantity, withinTolerance and countVarianceValue from ERP book and cost', async () => {
    const inventory = stack.databases.inventory!.database.db;
    const erp = stack.databases.erp!.database.db;
    const task = await inventory
      .selectFrom('countTasks')
      .selectAll()
      .where('status', '=', 'RECOUNT_REQUIRED')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const book = await erp.selectFrom('materialSites').selectAll().where('materialId', '=', task.materialId).executeTakeFirstOrThrow();
    const material = await erp.selectFrom('materials').selectAll().where('id', '=', task.materialId).executeTakeFirstOrThrow();

    const { body } = await stack.query(
      `query ($ids: [ID!]) { materialSites(siteId: "S01", materialIds: $ids) { nodes {
        bookQuantity abcClass lastCount { countedQuantity } countVarianceQuantity withinTolerance countVarianceValue
      } } }`,
      { ids: [task.materialId] },
    );
    expect(body.errors).toBeUndefined();
    const [site] = body.data.materialSites.nodes;
    const variance = Math.round((task.countedQuantity! - book.bookQuantity) * 1000) / 1000;
    expect(site.bookQuantity).toBe(book.bookQuantity);
    expect(site.lastCount.countedQuantity).toBe(task.countedQuantity);
    expect(site.countVarianceQuantity).toBeCloseTo(variance, 3);
    expect(site.countVarianceValue).toBeCloseTo(variance * material.standardCost, 1);
    expect(site.withinTolerance).toBe(false); // seeded RECOUNT_REQUIRED counts are out of tolerance
  });

  it('answers the foundation query with data from both systems', async () => {
    const sites: any[] = [];
    let after: string | null = null;
    do {
      const { body }: GraphQLResponse<{ materialSites: SitesPage }> = await stack.query(
        `query ($after: String) { materialSites(siteId: "S01", first: 200, after: $after) {
          nodes { bookQuantity material { description } abcClass countVarianceQuantity } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      const page: SitesPage = body.data!.materialSites;
      sites.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(sites).toHaveLength(3000);
    const counted = sites.filter((s: { countVarianceQuantity: number | null }) => s.countVarianceQuantity !== null);
    expect(counted.length).toBeGreaterThan(100);
    expect(sites[0]).toEqual({
      bookQuantity: expect.any(Number),
      material: { description: expect.any(String) },
      abcClass: expect.stringMatching(/^[ABC]$/),
      countVarianceQuantity: null,
    });
  });

  it('keeps SQL statements per request independent of list length', async () => {
    const measure = async (ids: string[]) => {
      const before = (await dbQueryCount('erp')) + (await dbQueryCount('inventory'));
      const { body } = await stack.query(
        `query ($ids: [ID!]) { materialSites(siteId: "S01", materialIds: $ids, first: 200) { nodes { material { description } abcClass lastCount { status } countVarianceQuantity withinTolerance } } }`,
        { ids },
      );
      expect(body.errors).toBeUndefined();
      return (await dbQueryCount('erp')) + (await dbQueryCount('inventory')) - before;
    };
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `M${String(i + 1).padStart(6, '0')}`);
    expect(await measure(ids(10))).toBe(await measure(ids(200)));
  });
});
