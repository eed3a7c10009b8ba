import { dbQueryCount } from '../../../platform/metrics';
import { createSystemServer } from '../../../subgraphs/kit/system';
import type { SubgraphServer } from '../../../subgraphs/kit/server';
import type { QualityDatabase } from '../../../subgraphs/quality/db';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { listenOnFreePort, postGraphQL } from '../../support/stack';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Lot { id qualityStatus holds { id reason releasedAt lot { id } } inspections { nodes { id inspectionType usageDecision measurements { characteristic measuredValue conforming } } } }
    ... on Material { id activeHolds { id lot { id } } }
    ... on WorkOrder { id inspections { nodes { id status } } }
    ... on Customer { id complaints { nodes { id status capa { status } } } open: complaints(status: [OPEN, CONTAINED]) { nodes { id } } }
    ... on Supplier { id defectPpm12m }
    ... on Nonconformance { id source status material { id } lot { id } customer { id } supplier { id } capa { status dueDate } }
  }
}`;

describe('quality seed and reference resolvers', () => {
  let db: TestDatabase<QualityDatabase>;
  let server: SubgraphServer;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase(qualitySystem, { seed: true });
    server = await createSystemServer(qualitySystem, db.database);
    url = await listenOnFreePort(server.httpServer);
  });
  afterAll(async () => {
    await server.stop();
    await db.drop();
  });

  async function entities(representations: object[]) {
    const before = await dbQueryCount('quality');
    const response = await postGraphQL(url, ENTITIES, { representations });
    expect(response.body.errors).toBeUndefined();
    return { entities: response.body.data._entities as any[], statements: (await dbQueryCount('quality')) - before };
  }

  it('seeds about 7,600 inspections, holds open and released, and about 180 NCRs of every source', async () => {
    const q = db.database.db;
    const inspections = await q
      .selectFrom('inspections')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(inspections.n)).toBeGreaterThan(7_000);
    expect(Number(inspections.n)).toBeLessThan(8_000);
    const nonconforming = await q.selectFrom('measurements').select('inspectionId').where('conforming', '=', false).execute();
    expect(nonconforming.length).toBeGreaterThan(50);
    const holds = await q.selectFrom('qualityHolds').selectAll().execute();
    expect(holds.some((h) => h.releasedAt === null)).toBe(true);
    expect(holds.some((h) => h.releasedAt !== null)).toBe(true);
    const ncrs = await q.selectFrom('nonconformances').selectAll().execute();
    expect(ncrs.length).toBeGreaterThan(150);
    expect(ncrs.length).toBeLessThan(220);
    expect(new Set(ncrs.map((n) => n.source))).toEqual(new Set(['INSPECTION', 'AUDIT', 'CUSTOMER_COMPLAINT', 'SUPPLIER', 'PRODUCTION']));
    expect(ncrs.filter((n) => n.source === 'AUDIT').every((n) => n.sourceFindingId !== null)).toBe(true);
    expect(ncrs.filter((n) => n.source === 'SUPPLIER').every((n) => /^V\d{5}$/.test(n.supplierId!))).toBe(true);
    const openWithCapa = await q
      .selectFrom('nonconformances as n')
      .innerJoin('capas as c', 'c.nonconformanceId', 'n.id')
      .select('n.id')
      .where('n.status', 'in', ['OPEN', 'CONTAINED'])
      .execute();
    expect(openWithCapa.length).toBeGreaterThan(5);
  });

  it('resolves lots with their status, holds and inspections, and as many statements for 10 lots as for 200', async () => {
    const q = db.database.db;
    const held = await q
      .selectFrom('qualityHolds')
      .select('lotId')
      .where('releasedAt', 'is', null)
      .orderBy('lotId')
      .executeTakeFirstOrThrow();
    const lots = (n: number) => [
      { __typename: 'Lot', id: held.lotId },
      ...Array.from({ length: n - 1 }, (_, i) => ({ __typename: 'Lot', id: `L${String(7000 - i * 7).padStart(8, '0')}` })),
    ];
    const ten = await entities(lots(10));
    const twoHundred = await entities(lots(200));
    expect(ten.statements).toBe(twoHundred.statements);
    expect(twoHundred.entities.map((e) => e.id)).toEqual(lots(200).map((l) => l.id));

    const first = ten.entities[0];
    expect(first.qualityStatus).toBe('ON_HOLD');
    const holds = await q.selectFrom('qualityHolds').selectAll().where('lotId', '=', held.lotId).orderBy('placedAt').execute();
    expect(first.holds.map((h: { id: string }) => h.id)).toEqual(holds.map((h) => h.id));
    const inspections = await q
      .selectFrom('inspections')
      .selectAll()
      .where('lotId', '=', held.lotId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    expect(first.inspections.nodes.map((i: { id: string }) => i.id)).toEqual(inspections.map((i) => i.id));
    for (const inspection of first.inspections.nodes) {
      const rows = await q.selectFrom('measurements').selectAll().where('inspectionId', '=', inspection.id).orderBy('position').execute();
      expect(inspection.measurements).toEqual(
        rows.map((r) => ({ characteristic: r.characteristic, measuredValue: r.measuredValue, conforming: r.conforming })),
      );
    }
  });

  it('batches materials, work orders, customers, suppliers and nonconformances', async () => {
    const q = db.database.db;
    const heldMaterial = await q.selectFrom('qualityHolds').select('materialId').where('releasedAt', 'is', null).executeTakeFirstOrThrow();
    const complaint = await q
      .selectFrom('nonconformances')
      .select('customerId')
      .where('source', '=', 'CUSTOMER_COMPLAINT')
      .executeTakeFirstOrThrow();
    const supplierNcr = await q
      .selectFrom('nonconformances')
      .select('supplierId')
      .where('source', '=', 'SUPPLIER')
      .executeTakeFirstOrThrow();
    const ncrIds = (await q.selectFrom('nonconformances').select('id').orderBy('id').execute()).map((r) => r.id);
    const withCapa = await q
      .selectFrom('nonconformances as n')
      .innerJoin('capas as c', 'c.nonconformanceId', 'n.id')
      .select('n.customerId')
      .where('n.source', '=', 'CUSTOMER_COMPLAINT')
      .orderBy('n.customerId')
      .execute();
    // Each list starts with parents that have rows (so every loader of the query runs), then fills up.
    const lists: Record<string, (i: number) => Record<string, unknown>> = {
      Material: (i) => ({ __typename: 'Material', id: i === 0 ? heldMaterial.materialId : `M${String(i + 1).padStart(6, '0')}` }),
      WorkOrder: (i) => ({ __typename: 'WorkOrder', id: `WO${String(i + 1).padStart(7, '0')}` }),
      Customer: (i) => ({
        __typename: 'Customer',
        id: i === 0 ? complaint.customerId : i === 1 ? withCapa[0]!.customerId : `C${String(i + 1).padStart(5, '0')}`,
      }),
      Supplier: (i) => ({
        __typename: 'Supplier',
        id: i === 0 ? supplierNcr.supplierId : `V${String(i + 1).padStart(5, '0')}`,
        receivedQuantity12m: 50_000,
      }),
      Nonconformance: (i) => ({ __typename: 'Nonconformance', id: ncrIds[i % ncrIds.length] }),
    };
    const first: Record<string, any> = {};
    for (const [type, make] of Object.entries(lists)) {
      const ten = await entities(Array.from({ length: 10 }, (_, i) => make(i)));
      const twoHundred = await entities(Array.from({ length: 200 }, (_, i) => make(i)));
      expect({ type, statements: ten.statements }).toEqual({ type, statements: twoHundred.statements });
      // A customer's complaints cost one statement per status filter of the query (two here), then their CAPAs one.
      expect(twoHundred.statements).toBeLessThanOrEqual(type === 'Customer' ? 3 : 2);
      first[type] = ten.entities[0];
    }

    const material = first.Material;
    const open = await q
      .selectFrom('qualityHolds')
      .select('id')
      .where('materialId', '=', heldMaterial.materialId)
      .where('releasedAt', 'is', null)
      .orderBy('placedAt')
      .execute();
    expect(material.activeHolds.map((h: { id: string }) => h.id)).toEqual(open.map((h) => h.id));

    const customer = first.Customer;
    const complaints = await q
      .selectFrom('nonconformances')
      .selectAll()
      .where('customerId', '=', complaint.customerId)
      .where('source', '=', 'CUSTOMER_COMPLAINT')
      .execute();
    expect(customer.complaints.nodes).toHaveLength(complaints.length);
    expect(customer.open.nodes.map((c: { id: string }) => c.id).sort()).toEqual(
      complaints
        .filter((c) => ['OPEN', 'CONTAINED'].includes(c.status))
        .map((c) => c.id)
        .sort(),
    );

    const supplier = first.Supplier;
    const year = new Date();
    year.setUTCFullYear(year.getUTCFullYear() - 1);
    const rejected = (
      await q
        .selectFrom('nonconformances')
        .selectAll()
        .where('supplierId', '=', supplierNcr.supplierId)
        .where('source', '=', 'SUPPLIER')
        .execute()
    )
      .filter((n) => n.reportedAt >= year)
      .reduce((sum, n) => sum + (n.nonconformingQuantity ?? 0), 0);
    expect(rejected).toBeGreaterThan(0);
    expect(supplier.defectPpm12m).toBeCloseTo((rejected / 50_000) * 1e6, 1);

    const ncr = first.Nonconformance;
    const row = await q.selectFrom('nonconformances').selectAll().where('id', '=', ncrIds[0]!).executeTakeFirstOrThrow();
    expect(ncr).toMatchObject({ id: row.id, source: row.source, status: row.status, material: { id: row.materialId } });
  });
});
