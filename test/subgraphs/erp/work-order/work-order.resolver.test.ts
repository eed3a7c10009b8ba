import type { ErpDatabase } from '../../../../subgraphs/erp/db';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { startSubgraph, user, type SubgraphHarness } from '../../../support/subgraph';

const RELEASE = `mutation ($id: ID!) { releaseWorkOrder(id: $id) { id orderStatus changeHistory { nodes { actor operation before after } } } }`;

describe('ERP releaseWorkOrder', () => {
  let erp: SubgraphHarness<ErpDatabase>;
  beforeAll(async () => {
    erp = await startSubgraph(erpSystem);
  });
  afterAll(() => erp.stop());

  const firstWith = (status: string) =>
    erp.db.selectFrom('workOrders').select('id').where('orderStatus', '=', status).orderBy('id').executeTakeFirstOrThrow();

  it('releases a CREATED order and records who did it', async () => {
    const { id } = await firstWith('CREATED');
    const result = await erp.execute(RELEASE, { id }, user('planner-7'));
    expect(result.errors).toBeUndefined();
    expect(result.data.releaseWorkOrder).toEqual({
      id,
      orderStatus: 'RELEASED',
      changeHistory: {
        nodes: [
          { actor: 'planner-7', operation: 'releaseWorkOrder', before: { orderStatus: 'CREATED' }, after: { orderStatus: 'RELEASED' } },
        ],
      },
    });
    const stored = await erp.db.selectFrom('workOrders').select('orderStatus').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.orderStatus).toBe('RELEASED');
  });

  it('refuses an order that is not CREATED with INVALID_STATE naming its status, and unknown ids with NOT_FOUND', async () => {
    const { id } = await firstWith('CLOSED');
    const closed = await erp.execute(RELEASE, { id });
    expect(closed.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'INVALID_STATE', status: 'CLOSED' }));
    expect(closed.errors?.[0]?.message).toContain('CLOSED');
    const unknown = await erp.execute(RELEASE, { id: 'WO9999999' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const audit = await erp.db.selectFrom('auditTrail').selectAll().where('entityId', 'in', [id, 'WO9999999']).execute();
    expect(audit).toHaveLength(0);
  });

  it('releases once when two releases race', async () => {
    const { id } = await firstWith('CREATED');
    const results = await Promise.all([erp.execute(RELEASE, { id }), erp.execute(RELEASE, { id })]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'INVALID_STATE')).toHaveLength(1);
    const audit = await erp.db.selectFrom('auditTrail').selectAll().where('entityId', '=', id).execute();
    expect(audit).toHaveLength(1);
  });
});
