import { SYSTEM_MODULES } from '../../../subgraphs/catalog';
import type { SystemModule } from '../../../subgraphs/kit/system';
import { postGraphQL, startTestStack, type TestStack } from '../../support/stack';

// q01 of the domain's questions, whole: ERP plans, CRM knows the customer, MES executes (its
// remainingQuantity needs ERP's plannedQuantity through @requires), quality inspects.
const Q01 = `query WorkOrderDashboard($siteId: ID!, $after: String) {
  workOrders(siteId: $siteId, status: [RELEASED], first: 50, after: $after) {
    nodes {
      id dueDate plannedQuantity orderStatus
      material { description baseUnitOfMeasure }
      customer { name segment }
      dispatchStatus goodQuantity scrapQuantity
      remainingQuantity
      workCenter { name state }
      inspections(first: 10) { nodes { inspectionType status usageDecision } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('provenance through the gateway as it is built for production', () => {
  let stack: TestStack;

  // Seeding four systems takes a while on a busy machine.
  beforeAll(async () => {
    const { erp, mes, crm, quality } = SYSTEM_MODULES;
    stack = await startTestStack([erp, mes, crm, quality] as SystemModule[]);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('q01: ERP answers the plan, CRM the customer, MES the execution (with the @requires round trip), quality the inspections', async () => {
    const { status, body } = await postGraphQL(stack.gatewayUrl, Q01, { siteId: 'S01' }, { 'x-plantgraph-provenance': 'true' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const rows = body.data.workOrders.nodes as any[];
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.some((row) => row.customer?.name)).toBe(true);
    for (const row of rows) expect(row.remainingQuantity).toBe(Math.max(row.plannedQuantity - row.goodQuantity, 0));

    const provenance = (body as any).extensions.provenance;
    expect(Object.keys(provenance).sort()).toEqual(['crm', 'erp', 'mes', 'quality']);
    expect(provenance.erp).toMatchObject({ label: 'ERP', kind: 'record', fetches: 1 });
    // The page and its cursors come from the system that owns the list.
    expect(provenance.erp.paths).toEqual([
      'workOrders.nodes.*.id',
      'workOrders.nodes.*.dueDate',
      'workOrders.nodes.*.plannedQuantity',
      'workOrders.nodes.*.orderStatus',
      'workOrders.nodes.*.material.description',
      'workOrders.nodes.*.material.baseUnitOfMeasure',
      'workOrders.nodes.*.customer',
      'workOrders.pageInfo.hasNextPage',
      'workOrders.pageInfo.endCursor',
    ]);
    // ERP chose each customer (the reference, by its key); CRM answered who they are.
    expect(provenance.erp.inputs).toContain('workOrders.nodes.*.customer.id');
    expect(provenance.crm).toMatchObject({
      label: 'CRM',
      kind: 'record',
      fetches: 1,
      paths: ['workOrders.nodes.*.customer.name', 'workOrders.nodes.*.customer.segment'],
    });
    expect(provenance.mes).toMatchObject({ label: 'MES', kind: 'record' });
    expect([...provenance.mes.paths].sort()).toEqual(
      [
        'workOrders.nodes.*.dispatchStatus',
        'workOrders.nodes.*.goodQuantity',
        'workOrders.nodes.*.scrapQuantity',
        'workOrders.nodes.*.remainingQuantity',
        'workOrders.nodes.*.workCenter.name',
        'workOrders.nodes.*.workCenter.state',
      ].sort(),
    );
    expect(provenance.quality).toMatchObject({ label: 'Quality', kind: 'engagement' });
    expect([...provenance.quality.paths].sort()).toEqual(
      [
        'workOrders.nodes.*.inspections.nodes.*.inspectionType',
        'workOrders.nodes.*.inspections.nodes.*.status',
        'workOrders.nodes.*.inspections.nodes.*.usageDecision',
      ].sort(),
    );
    for (const system of ['erp', 'crm', 'mes', 'quality']) expect(provenance[system].fetchMs).toBeGreaterThan(0);
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
