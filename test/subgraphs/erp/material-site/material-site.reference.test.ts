import { dbQueryCount } from '../../../../platform/metrics';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { createSystemServer } from '../../../../subgraphs/kit/system';
import type { SubgraphServer } from '../../../../subgraphs/kit/server';
import { createTestDatabase, type TestDatabase } from '../../../support/databases';
import { listenOnFreePort, postGraphQL } from '../../../support/stack';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on MaterialSite { materialId siteId bookQuantity } }
}`;

describe('ERP MaterialSite reference resolver', () => {
  let db: TestDatabase;
  let server: SubgraphServer;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase(erpSystem, { seed: true });
    server = await createSystemServer(erpSystem, db.database);
    url = await listenOnFreePort(server.httpServer);
  });
  afterAll(async () => {
    await server.stop();
    await db.drop();
  });

  async function resolve(count: number) {
    const representations = Array.from({ length: count }, (_, i) => ({
      __typename: 'MaterialSite',
      materialId: `M${String(count - i).padStart(6, '0')}`, // reverse order: results must follow the representations
      siteId: 'S01',
    }));
    const before = await dbQueryCount('erp');
    const response = await postGraphQL(url, ENTITIES, { representations });
    return { response, statements: (await dbQueryCount('erp')) - before, representations };
  }

  it('resolves 200 representations with one SQL statement, in representation order', async () => {
    const { response, statements, representations } = await resolve(200);
    expect(response.body.errors).toBeUndefined();
    const entities = response.body.data._entities as { materialId: string; bookQuantity: number }[];
    expect(entities.map((e) => e.materialId)).toEqual(representations.map((r) => r.materialId));
    expect(statements).toBe(1);

    const row = await db.database.db
      .selectFrom('materialSites')
      .select('bookQuantity')
      .where('materialId', '=', representations[0]!.materialId)
      .executeTakeFirstOrThrow();
    expect(entities[0]!.bookQuantity).toBe(row.bookQuantity);
  });

  it('sends as many statements for 10 representations as for 200', async () => {
    const ten = await resolve(10);
    const twoHundred = await resolve(200);
    expect(ten.statements).toBe(twoHundred.statements);
  });

  it('returns null for a material-site that does not exist', async () => {
    const response = await postGraphQL(url, ENTITIES, {
      representations: [{ __typename: 'MaterialSite', materialId: 'M999999', siteId: 'S01' }],
    });
    expect(response.body.data._entities).toEqual([null]);
  });
});
