import { SYSTEM_MODULES } from '../../../subgraphs/catalog';
import type { SystemModule } from '../../../subgraphs/kit/system';
import { postGraphQL, startTestStack, type TestStack } from '../../support/stack';

// q01 of the domain's questions, whole: ERP plans, CRM knows the customer, MES executes (its
// remainingQuantity needs ERP's plannedQuantity through @requires), quality inspects.
const Q01 = `query WorkOrderDashboard($siteId: ID!) {
  workOrders(siteId: $siteId, status: [RELEASED]) {
    id dueDate plannedQuantity orderStatus
    material { description baseUnitOfMeasure }
    customer { name segment }
    dispatchStatus goodQuantity scrapQuantity
    remainingQuantity
    workCenter { name state }
    inspections { inspectionType status usageDecision }
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
    const rows = body.data.workOrders as any[];
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.some((row) => row.customer?.name)).toBe(true);
    for (const row of rows) expect(row.remainingQuantity).toBe(Math.max(row.plannedQuantity - row.goodQuantity, 0));

    const provenance = (body as any).extensions.provenance;
    expect(Object.keys(provenance).sort()).toEqual(['crm', 'erp', 'mes', 'quality']);
    expect(provenance.erp).toMatchObject({ label: 'ERP', kind: 'record', fetches: 1 });
    expect(provenance.erp.paths).toEqual([
      'workOrders.*.id',
      'workOrders.*.dueDate',
      'workOrders.*.plannedQuantity',
      'workOrders.*.orderStatus',
      'workOrders.*.material.description',
      'workOrders.*.material.baseUnitOfMeasure',
      'workOrders.*.customer',
    ]);
    // ERP chose each customer (the reference, by its key); CRM answered who they are.
    expect(provenance.erp.inputs).toContain('workOrders.*.customer.id');
    expect(provenance.crm).toMatchObject({ label: 'CRM', kind: 'record', fetches: 1, paths: ['workOrders.*.customer.name', 'workOrders.*.customer.segment'] });
    expect(provenance.mes).toMatchObject({ label: 'MES', kind: 'record' });
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
    expect(provenance.quality).toMatchObject({ label: 'Quality', kind: 'engagement' });
    expect([...provenance.quality.paths].sort()).toEqual(
      ['workOrders.*.inspections.*.inspectionType', 'workOrders.*.inspections.*.status', 'workOrders.*.inspections.*.usageDecision'].sort(),
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
