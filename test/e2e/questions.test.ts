import { loadReliabilityConfig } from '../../gateway/reliability/policy';
import { loadQuestions, type Question } from '../../questions';
import { implementedSystems } from '../../subgraphs/catalog';
import { postGraphQL, startTestStack, testToken, type TestStack } from '../support/stack';

/** One page of a question's root list, as every question selects it. */
type RootListPage = { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

/**
 * The ten questions the graph exists to answer, each asked whole through the gateway over all
 * six systems with the seed's identifiers, and checked against the systems' own databases.
 */
describe('the ten cross-system questions, end to end', () => {
  let stack: TestStack;
  let questions: Map<string, Question>;
  const db = (system: string) => (stack.databases as Record<string, { database: { db: any } }>)[system]!.database.db;

  beforeAll(async () => {
    // Correctness, not timing: a generous subgraph timeout keeps a busy machine from failing it.
    stack = await startTestStack(implementedSystems(), { reliability: loadReliabilityConfig({ SUBGRAPH_TIMEOUT_MS: '20000' }) });
    questions = new Map(loadQuestions().map((q) => [q.id, q]));
  }, 240_000);
  afterAll(() => stack.stop());

  async function ask(id: string, headers: Record<string, string> = {}, variables: Record<string, unknown> = {}) {
    const q = questions.get(id)!;
    const { status, body } = await postGraphQL(stack.gatewayUrl, q.document, { ...q.variables, ...variables }, headers);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    return body.data;
  }

  /**
   * The rows of every page of a question's root list: the question asked again with the previous
   * page's endCursor as $after, as a client pages. No page is longer than the question's first.
   */
  async function askAll(id: string, list: string, headers: Record<string, string> = {}) {
    const first = Number(new RegExp(`${list}\\([^)]*first: (\\d+)`).exec(questions.get(id)!.document)![1]);
    const rows: any[] = [];
    let after: string | null = null;
    do {
      const page: RootListPage = (await ask(id, headers, { after }))[list];
      expect(page.nodes.length).toBeLessThanOrEqual(first);
      rows.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    return rows;
  }

  it('finds all ten question documents, one of them for partners', () => {
    expect([...questions.keys()]).toEqual(['q01', 'q02', 'q03', 'q04', 'q05', 'q06', 'q07', 'q08', 'q09', 'q10']);
    expect([...questions.values()].filter((q) => q.partner).map((q) => q.id)).toEqual(['q06']);
  });

  it('q01: released work orders (ERP) with execution (MES), customer (CRM) and inspections (quality)', async () => {
    const workOrders = await askAll('q01', 'workOrders');
    const released = await db('erp')
      .selectFrom('workOrders')
      .selectAll()
      .where('siteId', '=', 'S01')
      .where('orderStatus', '=', 'RELEASED')
      .orderBy('dueDate')
      .orderBy('id')
      .execute();
    // More than one page: the pages join into the whole list, in due-date order, each order once.
    expect(released.length).toBeGreaterThan(50);
    expect(workOrders.map((w: any) => w.id)).toEqual(released.map((w: any) => w.id));
    const execution = new Map<string, any>((await db('mes').selectFrom('workOrders').selectAll().execute()).map((w: any) => [w.id, w]));
    const customers = new Map<string, any>((await db('crm').selectFrom('customers').selectAll().execute()).map((c: any) => [c.id, c]));
    for (const order of workOrders) {
      const plan = released.find((w: any) => w.id === order.id)!;
      const mes = execution.get(order.id);
      expect(order.plannedQuantity).toBe(plan.plannedQuantity);
      expect(order.goodQuantity).toBe(mes.goodQuantity);
      expect(order.remainingQuantity).toBe(Math.max(plan.plannedQuantity - mes.goodQuantity, 0));
      expect(order.customer?.name ?? null).toBe(plan.customerId ? customers.get(plan.customerId).name : null);
    }
    expect(workOrders.some((w: any) => w.customer)).toBe(true);
  });

  it('q02: discrepancies (inventory) with book and material from ERP, variance from the book', async () => {
    const discrepancies = await askAll('q02', 'countDiscrepancies');
    expect(discrepancies.length).toBeGreaterThan(0);
    const book = new Map<string, any>(
      (await db('erp').selectFrom('materialSites').selectAll().where('siteId', '=', 'S01').execute()).map((m: any) => [m.materialId, m]),
    );
    for (const site of discrepancies) {
      expect(site.abcClass).toBe('A');
      expect(site.bookQuantity).toBe(book.get(site.materialId).bookQuantity);
      const counted = site.lastCount.recountQuantity ?? site.lastCount.countedQuantity;
      expect(site.countVarianceQuantity).toBeCloseTo(counted - site.bookQuantity, 3);
    }
  });

  it('q03: a customer (CRM) with credit and sales orders (ERP) and complaints (quality)', async () => {
    const data = await ask('q03');
    const crm = await db('crm').selectFrom('customers').selectAll().where('id', '=', 'C00001').executeTakeFirstOrThrow();
    const erp = await db('erp').selectFrom('customers').selectAll().where('id', '=', 'C00001').executeTakeFirstOrThrow();
    const open = await db('erp')
      .selectFrom('salesOrders')
      .select('number')
      .where('customerId', '=', 'C00001')
      .where('status', 'in', ['OPEN', 'IN_DELIVERY'])
      .orderBy('requestedDeliveryDate')
      .orderBy('number')
      .execute();
    expect(data.customer.name).toBe(crm.name);
    expect(data.customer.creditLimit).toBe(erp.creditLimit);
    // The first 20 by requested delivery date.
    expect(data.customer.salesOrders.nodes.map((s: any) => s.number)).toEqual(open.slice(0, 20).map((s: any) => s.number));
    expect(data.customer.salesOrders.pageInfo.hasNextPage).toBe(open.length > 20);
  });

  it('q04: a lot (MES) traced both ways, with quality status and ERP facts', async () => {
    const data = await ask('q04');
    const lot = await db('mes').selectFrom('lots').selectAll().where('id', '=', 'L00000054').executeTakeFirstOrThrow();
    expect(data.lot.quantity).toBe(lot.quantity);
    expect(data.lot.backward.length).toBeGreaterThanOrEqual(2);
    expect(data.lot.forward.length).toBeGreaterThan(0);
    expect(data.lot.backward.every((e: any) => e.consumedLot.supplier?.name)).toBe(true);
  });

  it('q05: work centers (MES) with their audits and findings', async () => {
    const data = await ask('q05');
    expect(data.workCenters).toHaveLength(20);
    expect(data.workCenters.some((w: any) => w.audits.nodes.some((a: any) => a.findings.length > 0))).toBe(true);
  });

  it('q06: a supplier sees only its own open purchase orders', async () => {
    const authorization = `Bearer ${await testToken({ roles: ['supplier'], scopes: ['partner:supplier'], supplierId: 'V00001' })}`;
    const orders = await askAll('q06', 'myPurchaseOrders', { authorization });
    const own = await db('erp')
      .selectFrom('purchaseOrders')
      .select('number')
      .where('supplierId', '=', 'V00001')
      .where('status', 'in', ['OPEN', 'PARTIALLY_RECEIVED'])
      .orderBy('number')
      .execute();
    expect(orders.map((p: any) => p.number)).toEqual(own.map((p: any) => p.number));
  });

  it('q07: a supplier (ERP) with its defect rate (quality, from ERP received quantity)', async () => {
    const data = await ask('q07');
    const supplier = await db('erp').selectFrom('suppliers').selectAll().where('id', '=', 'V00001').executeTakeFirstOrThrow();
    expect(data.supplier.name).toBe(supplier.name);
    expect(data.supplier.receivedQuantity12m).toBeGreaterThan(0);
    expect(typeof data.supplier.defectPpm12m).toBe('number');
  });

  it('q08: a material (ERP) with its holds (quality) and their lots (MES) and stock (ERP)', async () => {
    const data = await ask('q08');
    const site = await db('erp').selectFrom('materialSites').selectAll().where('materialId', '=', 'M000001').executeTakeFirstOrThrow();
    expect(data.materialSites.nodes).toEqual([{ bookQuantity: site.bookQuantity, blockedQuantity: site.blockedQuantity }]);
    expect(Array.isArray(data.material.activeHolds)).toBe(true);
  });

  it('q09: open nonconformances (quality) with material (ERP), lot (MES) and partners', async () => {
    const nonconformances = await askAll('q09', 'nonconformances');
    const open = await db('quality').selectFrom('nonconformances').select('id').where('status', 'in', ['OPEN', 'CONTAINED']).execute();
    expect(nonconformances.map((n: any) => n.id).sort()).toEqual(open.map((n: any) => n.id).sort());
    expect(new Set(nonconformances.map((n: any) => n.id)).size).toBe(nonconformances.length);
    expect(nonconformances.every((n: any) => typeof n.material.description === 'string')).toBe(true);
  });

  it('q10: the counter worklist (inventory) with material master (ERP), and no book quantity', async () => {
    const worklist = await askAll('q10', 'countTasks');
    const tasks = await db('inventory')
      .selectFrom('countTasks')
      .select('id')
      .where('siteId', '=', 'S01')
      .where('status', 'in', ['SCHEDULED', 'RECOUNT_REQUIRED'])
      .where('scheduledFor', '=', '2026-11-03')
      .execute();
    expect(tasks.length).toBeGreaterThan(0);
    expect(worklist.map((t: any) => t.id).sort()).toEqual(tasks.map((t: any) => t.id).sort());
    for (const task of worklist) expect(typeof task.materialSite.material.description).toBe('string');
  });
});
