import { SYSTEM_MODULES } from '../../../subgraphs/catalog';
import type { SystemModule } from '../../../subgraphs/kit/system';
import { postGraphQL, startTestStack, type TestStack } from '../../support/stack';

// q01 as far as ERP and MES answer it: MES's remainingQuantity needs ERP's plannedQuantity (@requires).
const Q01 = `query WorkOrderDashboard($siteId: ID!) {
  workOrders(siteId: $siteId, status: [RELEASED]) {
    id dueDate plannedQuantity orderStatus
    material { description baseUnitOfMeasure }
    dispatchStatus goodQuantity scrapQuantity
    remainingQuantity
    workCenter { name state }
  }
}`;

describe('provenance through the gateway as it is built for production', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack([SYSTEM_MODULES.erp, SYSTEM_MODULES.mes] as SystemModule[]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('q01: ERP answers the plan, MES the execution, with the @requires round trip counted', async () => {
    const { status, body } = await postGraphQL(stack.gatewayUrl, Q01, { siteId: 'S01' }, { 'x-plantgraph-provenance': 'true' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const rows = body.data.workOrders as any[];
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.remainingQuantity).toBe(Math.max(row.plannedQuantity - row.goodQuantity, 0));

    const provenance = (body as any).extensions.provenance;
    expect(Object.keys(provenance).sort()).toEqual(['erp', 'mes']);
    expect(provenance.erp).toMatchObject({ label: 'ERP', kind: 'record', fetches: 1 });
    expect(provenance.erp.paths).toEqual([
      'workOrders.*.id',
      'workOrders.*.dueDate',
      'workOrders.*.plannedQuantity',
      'workOrders.*.orderStatus',
      'workOrders.*.material.description',
      'workOrders.*.material.baseUnitOfMeasure',
    ]);
    expect(provenance.mes).toMatchObject({ label: 'MES', kind: 'record' });
    expect(provenance.mes.fetches).toBeGreaterThanOrEqual(1);
    expect([...provenance.mes.paths].sort()).toEqual(
      [
        'workOrders.*.dispatchStatus',
        'workOrders.*.goodQuantity',
        'workOrders.*.scrapQuantity',
        'workOrders.*.remainingQuantity',
        'workOrders.*.workCenter.name',
        'workOrders.*.workCenter.state',
      ].sort(),
    );
    expect(provenance.erp.fetchMs).toBeGreaterThan(0);
    expect(provenance.mes.fetchMs).toBeGreaterThan(0);
  });

  it('adds nothing to a request that does not ask', async () => {
    const { body } = await stack.query(Q01, { siteId: 'S01' });
    expect(body.errors).toBeUndefined();
    expect((body as any).extensions?.provenance).toBeUndefined();
  });

  it('treats any header value but "true" as not asking', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, Q01, { siteId: 'S01' }, { 'x-plantgraph-provenance': 'yes please' });
    expect(body.errors).toBeUndefined();
    expect((body as any).extensions?.provenance).toBeUndefined();
  });
});
