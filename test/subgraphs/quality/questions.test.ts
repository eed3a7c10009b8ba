import { dbQueryCount } from '../../../platform/metrics';
import { loadQuestions, type Question } from '../../../questions';
import { auditsSystem } from '../../../subgraphs/audits/server';
import { crmSystem } from '../../../subgraphs/crm/server';
import { erpSystem } from '../../../subgraphs/erp/server';
import { mesSystem } from '../../../subgraphs/mes/server';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { startTestStack, type TestStack } from '../../support/stack';

/** The quality and audits parts of the ten questions, answered through the gateway and checked against each system's database. */
describe('quality and audits in the cross-system questions', () => {
  let stack: TestStack;
  let questions: Map<string, Question>;
  const db = (system: 'erp' | 'mes' | 'crm' | 'quality' | 'audits') => stack.databases[system]!.database.db as any;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, mesSystem, crmSystem, qualitySystem, auditsSystem]);
    questions = new Map(loadQuestions().map((q) => [q.id, q]));
  }, 180_000);
  afterAll(() => stack.stop());

  async function ask(id: string) {
    const question = questions.get(id)!;
    const { body } = await stack.query(question.document, question.variables as Record<string, unknown>);
    expect(body.errors).toBeUndefined();
    return { data: body.data, variables: question.variables as Record<string, any> };
  }

  it('q05: audits per work center (MES to audits), findings with their NCR from quality (audits to quality)', async () => {
    const { data, variables } = await ask('q05');
    const audits = await db('audits')
      .selectFrom('audits')
      .selectAll()
      .where('scheduledFor', '>=', variables.from)
      .where('scheduledFor', '<=', variables.to)
      .orderBy('scheduledFor')
      .orderBy('id')
      .execute();
    const centers = data.workCenters as any[];
    expect(centers.length).toBe(20);
    for (const center of centers) {
      const expected = audits.filter((a: { workCenterId: string }) => a.workCenterId === center.id);
      expect(center.audits.pageInfo.hasNextPage).toBe(false);
      expect(center.audits.nodes.map((a: any) => [a.layer, a.auditType, a.status, a.conformanceRate, a.auditor])).toEqual(
        expected.map((a: any) => [a.layer, a.auditType, a.status, a.conformanceRate, a.auditor]),
      );
    }
    const findings = centers.flatMap((c) => c.audits.nodes.flatMap((a: any) => a.findings));
    const inRange = await db('audits')
      .selectFrom('auditFindings')
      .select('id')
      .where(
        'auditId',
        'in',
        audits.map((a: { id: string }) => a.id),
      )
      .execute();
    expect(findings).toHaveLength(inRange.length);
    const escalated = findings.filter((f: any) => f.nonconformance);
    expect(escalated.length).toBeGreaterThan(0);
    const ncrs = await db('quality')
      .selectFrom('nonconformances')
      .selectAll()
      .where(
        'id',
        'in',
        escalated.map((f: any) => f.nonconformance.id),
      )
      .execute();
    const capas = await db('quality').selectFrom('capas').selectAll().execute();
    for (const finding of escalated) {
      const ncr = ncrs.find((n: { id: string }) => n.id === finding.nonconformance.id);
      expect(ncr).toMatchObject({ source: 'AUDIT', status: finding.nonconformance.status });
      expect(finding.nonconformance.disposition).toBe(ncr.disposition);
      const capa = capas.find((c: { nonconformanceId: string }) => c.nonconformanceId === ncr.id);
      expect(finding.nonconformance.capa).toEqual(capa ? { status: capa.status } : null);
    }
  });

  it('sends quality as many statements for 10 materials as for 200, and for a material with few lots as for one with many', async () => {
    const measure = async (query: string, variables: Record<string, unknown>) => {
      const before = await dbQueryCount('quality');
      const { body } = await stack.query(query, variables);
      expect(body.errors).toBeUndefined();
      return (await dbQueryCount('quality')) - before;
    };
    const materials = (n: number) => Array.from({ length: n }, (_, i) => `M${String(i + 1).padStart(6, '0')}`);
    const byMaterial = `query ($ids: [ID!]) { materialSites(siteId: "S01", materialIds: $ids, first: 200) { nodes { material { activeHolds { reason lot { id quantity qualityStatus } } } } } }`;
    expect(await measure(byMaterial, { ids: materials(10) })).toBe(await measure(byMaterial, { ids: materials(200) }));
    const lots = `query ($m: ID) { lots(materialId: $m, first: 200) { nodes { id qualityStatus holds { placedAt } inspections { nodes { usageDecision measurements { conforming } } } } } }`;
    const few = await db('mes')
      .selectFrom('lots')
      .select('materialId')
      .groupBy('materialId')
      .having((eb: any) => eb.fn.countAll(), '>=', 3)
      .orderBy('materialId')
      .executeTakeFirstOrThrow();
    const many = await db('mes')
      .selectFrom('lots')
      .select('materialId')
      .groupBy('materialId')
      .orderBy((eb: any) => eb.fn.countAll(), 'desc')
      .executeTakeFirstOrThrow();
    expect(await measure(lots, { m: few.materialId })).toBe(await measure(lots, { m: many.materialId }));
  });

  it('q01: the inspections of released work orders, batched by work order', async () => {
    const { data } = await ask('q01');
    const orders = data.workOrders.nodes as any[];
    expect(orders).toHaveLength(50);
    const inspections = await db('quality')
      .selectFrom('inspections')
      .selectAll()
      .where(
        'workOrderId',
        'in',
        orders.map((o) => o.id),
      )
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    expect(inspections.length).toBeGreaterThan(0);
    for (const order of orders) {
      // The question asks for the first ten inspections of each order, oldest first.
      const expected = inspections.filter((i: { workOrderId: string }) => i.workOrderId === order.id).slice(0, 10);
      expect(order.inspections.nodes).toEqual(
        expected.map((i: any) => ({ inspectionType: i.inspectionType, status: i.status, usageDecision: i.usageDecision })),
      );
    }
  });

  it('q09: open NCRs with CAPA, material and supplier from ERP, customer from CRM, lot from MES', async () => {
    const { data } = await ask('q09');
    const open = await db('quality')
      .selectFrom('nonconformances')
      .selectAll()
      .where('status', 'in', ['OPEN', 'CONTAINED'])
      .orderBy('reportedAt', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const answer = data.nonconformances.nodes as any[];
    // The first page of 50, newest first.
    expect(answer.map((n) => n.id)).toEqual(open.slice(0, 50).map((n: { id: string }) => n.id));
    expect(data.nonconformances.pageInfo.hasNextPage).toBe(open.length > 50);
    expect(answer.some((n) => n.capa)).toBe(true);
    const materials = await db('erp')
      .selectFrom('materials')
      .selectAll()
      .where(
        'id',
        'in',
        open.map((n: { materialId: string }) => n.materialId),
      )
      .execute();
    for (const ncr of answer) {
      const row = open.find((n: { id: string }) => n.id === ncr.id);
      const material = materials.find((m: { id: string }) => m.id === row.materialId);
      expect(ncr.material).toEqual({ description: material.description, standardCost: material.standardCost });
      if (row.supplierId) {
        const supplier = await db('erp').selectFrom('suppliers').select('name').where('id', '=', row.supplierId).executeTakeFirstOrThrow();
        expect(ncr.supplier).toEqual({ name: supplier.name });
      } else expect(ncr.supplier).toBeNull();
      if (row.customerId) {
        const customer = await db('crm').selectFrom('customers').selectAll().where('id', '=', row.customerId).executeTakeFirstOrThrow();
        expect(ncr.customer).toEqual({ name: customer.name, accountManager: customer.accountManager });
      } else expect(ncr.customer).toBeNull();
      if (row.lotId) {
        const lot = await db('mes').selectFrom('lots').select('quantity').where('id', '=', row.lotId).executeTakeFirst();
        expect(ncr.lot?.quantity).toBe(lot?.quantity);
      }
    }
  });

  it('q03: the customer 360 shows the complaints quality holds for the customer, with their CAPA', async () => {
    const { data, variables } = await ask('q03');
    const complaints = await db('quality')
      .selectFrom('nonconformances')
      .selectAll()
      .where('customerId', '=', variables.id)
      .where('source', '=', 'CUSTOMER_COMPLAINT')
      .orderBy('reportedAt', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(complaints.length).toBeGreaterThan(0);
    // The first page of 20, newest first.
    expect(data.customer.complaints.nodes.map((c: any) => c.id)).toEqual(complaints.slice(0, 20).map((c: { id: string }) => c.id));
    expect(data.customer.complaints.nodes.some((c: any) => c.capa !== null && c.lot !== null)).toBe(true);
  });

  it('q08: the open holds on a material, with the held lots from MES', async () => {
    const { data, variables } = await ask('q08');
    const open = await db('quality')
      .selectFrom('qualityHolds')
      .selectAll()
      .where('materialId', '=', variables.materialId)
      .where('releasedAt', 'is', null)
      .execute();
    expect(open.length).toBeGreaterThan(0);
    expect(data.material.activeHolds.map((h: any) => h.lot.id).sort()).toEqual(open.map((h: { lotId: string }) => h.lotId).sort());
    const lot = await db('mes').selectFrom('lots').selectAll().where('id', '=', open[0].lotId).executeTakeFirstOrThrow();
    expect(data.material.activeHolds.find((h: any) => h.lot.id === lot.id).lot.quantity).toBe(lot.quantity);
  });

  it('q07: the supplier defect rate from quality NCRs over ERP received quantity', async () => {
    const { data, variables } = await ask('q07');
    const since = new Date();
    since.setUTCFullYear(since.getUTCFullYear() - 1);
    const rejected = (
      await db('quality')
        .selectFrom('nonconformances')
        .selectAll()
        .where('supplierId', '=', variables.id)
        .where('source', '=', 'SUPPLIER')
        .execute()
    )
      .filter((n: { reportedAt: Date }) => n.reportedAt >= since)
      .reduce((sum: number, n: { nonconformingQuantity: number | null }) => sum + (n.nonconformingQuantity ?? 0), 0);
    expect(rejected).toBeGreaterThan(0);
    expect(data.supplier.receivedQuantity12m).toBeGreaterThan(0);
    expect(data.supplier.defectPpm12m).toBeCloseTo((rejected / data.supplier.receivedQuantity12m) * 1e6, 1);
  });

  it('q04: the traced lot with its quality status, holds and inspections, and the status of the lots it consumed', async () => {
    const { data, variables } = await ask('q04');
    const inspections = await db('quality')
      .selectFrom('inspections')
      .selectAll()
      .where('lotId', '=', variables.lotId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    expect(data.lot.inspections.nodes.map((i: any) => i.usageDecision)).toEqual(
      inspections.map((i: { usageDecision: string | null }) => i.usageDecision),
    );
    expect(data.lot.inspections.nodes[0].measurements.length).toBeGreaterThan(0);
    const consumed = data.lot.backward.filter((e: any) => e.depth === 1).map((e: any) => e.consumedLot);
    expect(consumed.length).toBeGreaterThan(0);
    const held = await db('quality')
      .selectFrom('qualityHolds')
      .selectAll()
      .where(
        'lotId',
        'in',
        consumed.map((l: any) => l.id),
      )
      .execute();
    expect(held.length).toBeGreaterThan(0);
    for (const lot of consumed)
      expect(lot.qualityStatus).toEqual(expect.stringMatching(/^(RELEASED|ON_HOLD|REJECTED|PENDING_INSPECTION)$/));
    const releasedLot = consumed.find((l: any) =>
      held.some((h: { lotId: string; releasedAt: Date | null }) => h.lotId === l.id && h.releasedAt),
    );
    expect(releasedLot.qualityStatus).toBe('RELEASED');
  });
});
