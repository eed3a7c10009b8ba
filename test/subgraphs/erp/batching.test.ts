import { dbQueryCount } from '../../../platform/metrics';
import type { ErpDatabase } from '../../../subgraphs/erp/db';
import { erpSystem } from '../../../subgraphs/erp/server';
import { ids } from '../../../subgraphs/kit/seed/world';
import { startSubgraph, type SubgraphHarness } from '../../support/subgraph';

/**
 * Every reference resolver and every per-parent field goes through a loader: the statements a
 * request sends depend on the shape of the query, never on how many parents it has.
 */
describe('ERP batching: statements for 10 parents equal those for 200', () => {
  let erp: SubgraphHarness<ErpDatabase>;
  let receivedLots: string[];
  let shippedLots: string[];
  beforeAll(async () => {
    erp = await startSubgraph(erpSystem);
    receivedLots = (await erp.db.selectFrom('goodsReceipts').select('lotId').orderBy('lotId').limit(100).execute()).map((r) => r.lotId);
    shippedLots = (await erp.db.selectFrom('deliveryLots').select('lotId').orderBy('lotId').limit(100).execute()).map((r) => r.lotId);
  });
  afterAll(() => erp.stop());

  async function entities(typename: string, keys: Record<string, unknown>[], selection: string) {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`;
    const before = await dbQueryCount('erp');
    const result = await erp.execute(query, { representations: keys.map((k) => ({ __typename: typename, ...k })) });
    expect(result.errors).toBeUndefined();
    return { statements: (await dbQueryCount('erp')) - before, entities: result.data._entities as any[] };
  }

  const numbered = (count: number, id: (n: number) => string) => Array.from({ length: count }, (_, i) => ({ id: id(count - i) }));

  it('Supplier: purchase orders, lines, materials, received lots and their suppliers', async () => {
    const selection = `id name receivedQuantity12m
      purchaseOrders(status: [OPEN, PARTIALLY_RECEIVED]) { nodes { number status lines { material { description } receivedLots { id supplier { id } } } } }
      closed: purchaseOrders(status: [CLOSED]) { nodes { number } }`;
    const ten = await entities('Supplier', numbered(10, ids.supplier), selection);
    const many = await entities('Supplier', numbered(200, ids.supplier), selection);
    expect(many.entities.map((s) => s.id)).toEqual(numbered(200, ids.supplier).map((k) => k.id));
    expect(many.entities.every((s) => s.purchaseOrders.nodes.length > 0)).toBe(true);
    expect(ten.statements).toBe(many.statements);
  });

  it('Lot: supplier of received lots and customers of shipped lots', async () => {
    const selection = 'id supplier { id name } shippedTo { id creditLimit salesOrders(status: [COMPLETED]) { nodes { number } } }';
    const lots = [...receivedLots, ...shippedLots].map((id) => ({ id }));
    // Both kinds in both requests, so both send the same kinds of statements.
    const ten = await entities(
      'Lot',
      [...receivedLots.slice(0, 5), ...shippedLots.slice(0, 5)].map((id) => ({ id })),
      selection,
    );
    const many = await entities('Lot', lots.slice(0, 200), selection);
    expect(many.entities.slice(0, 100).every((l) => l.supplier !== null)).toBe(true);
    expect(many.entities.slice(100).every((l) => l.shippedTo.length > 0 && l.supplier === null)).toBe(true);
    expect(ten.statements).toBe(many.statements);
  });

  it('Customer: credit limit and sales orders', async () => {
    const selection = 'id creditLimit salesOrders(status: [OPEN, IN_DELIVERY]) { nodes { number status requestedDeliveryDate } }';
    const ten = await entities('Customer', numbered(10, ids.customer), selection);
    const many = await entities('Customer', numbered(150, ids.customer), selection);
    expect(many.entities.every((c) => c.salesOrders.nodes.length > 0)).toBe(true);
    expect(ten.statements).toBe(many.statements);
  });

  it('WorkOrder and Material: material, customer, change history', async () => {
    const selection = 'id material { id description } customer { id creditLimit } changeHistory { nodes { operation } }';
    const ten = await entities('WorkOrder', numbered(10, ids.workOrder), selection);
    const many = await entities('WorkOrder', numbered(200, ids.workOrder), selection);
    expect(ten.statements).toBe(many.statements);
    const materials10 = await entities('Material', numbered(10, ids.material), 'id description standardCost');
    const materials200 = await entities('Material', numbered(200, ids.material), 'id description standardCost');
    expect(materials200.entities[0].id).toBe('M000200');
    expect(materials10.statements).toBe(1);
    expect(materials200.statements).toBe(1);
  });

  it('MaterialSite: change history of many material-sites is one statement', async () => {
    const keys = (count: number) => Array.from({ length: count }, (_, i) => ({ materialId: ids.material(i + 1), siteId: 'S01' }));
    const ten = await entities('MaterialSite', keys(10), 'materialId bookQuantity changeHistory { nodes { id } } material { id }');
    const many = await entities('MaterialSite', keys(200), 'materialId bookQuantity changeHistory { nodes { id } } material { id }');
    expect(ten.statements).toBe(many.statements);
    expect(many.statements).toBe(3);
  });
});
