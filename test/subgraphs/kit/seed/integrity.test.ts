import { auditsSystem } from '../../../../subgraphs/audits/server';
import { crmSystem } from '../../../../subgraphs/crm/server';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { inventorySystem } from '../../../../subgraphs/inventory/server';
import { mesSystem } from '../../../../subgraphs/mes/server';
import { qualitySystem } from '../../../../subgraphs/quality/server';
import type { SystemModule } from '../../../../subgraphs/kit/system';
import { createTestDatabase, type TestDatabase } from '../../../support/databases';

/**
 * The seeded plant obeys the rules the systems enforce on live writes, across all six databases:
 * each test names a rule and lists the rows that break it (none, or the first few).
 */
describe('the seed at scale 1 is one consistent plant', () => {
  const systems: readonly SystemModule[] = [erpSystem, mesSystem, crmSystem, inventorySystem, qualitySystem, auditsSystem];
  const dbs: Record<string, TestDatabase> = {};
  const rows: Record<string, any[]> = {};

  beforeAll(async () => {
    await Promise.all(systems.map(async (system) => (dbs[system.name] = await createTestDatabase(system, { seed: true }))));
    const load = async (key: string, system: string, table: string) =>
      (rows[key] = await dbs[system]!.database.db.selectFrom(table).selectAll().execute());
    await Promise.all([
      load('erpOrders', 'erp', 'workOrders'),
      load('erpMaterials', 'erp', 'materials'),
      load('erpMaterialSites', 'erp', 'materialSites'),
      load('erpSuppliers', 'erp', 'suppliers'),
      load('goodsReceipts', 'erp', 'goodsReceipts'),
      load('deliveryLots', 'erp', 'deliveryLots'),
      load('mesOrders', 'mes', 'workOrders'),
      load('workCenters', 'mes', 'workCenters'),
      load('lots', 'mes', 'lots'),
      load('edges', 'mes', 'genealogyEdges'),
      load('customers', 'crm', 'customers'),
      load('profiles', 'inventory', 'materialSiteProfiles'),
      load('countTasks', 'inventory', 'countTasks'),
      load('inspections', 'quality', 'inspections'),
      load('holds', 'quality', 'qualityHolds'),
      load('ncrs', 'quality', 'nonconformances'),
      load('audits', 'audits', 'audits'),
    ]);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(Object.values(dbs).map((db) => db.drop()));
  });

  const byId = (key: string, id = 'id') => new Map(rows[key]!.map((row) => [row[id], row] as const));
  /** The offending rows as short descriptions: the count and the first five. */
  const offenders = (list: string[]) => ({ count: list.length, first: list.slice(0, 5) });
  const none = { count: 0, first: [] };

  it('has the data every rule reads', () => {
    for (const [key, list] of Object.entries(rows)) expect([key, list.length > 0]).toEqual([key, true]);
  });

  it('produced lots only for work orders MES dispatched and reported output on', () => {
    const erp = byId('erpOrders');
    const mes = byId('mesOrders');
    const bad = rows
      .lots!.filter((lot) => lot.producedBy !== null)
      .filter(
        (lot) =>
          erp.get(lot.producedBy)?.orderStatus === 'CREATED' ||
          !mes.get(lot.producedBy) ||
          ['WAITING', 'READY'].includes(mes.get(lot.producedBy)!.dispatchStatus),
      )
      .map((lot) => `${lot.id} by ${lot.producedBy} (${erp.get(lot.producedBy)?.orderStatus}/${mes.get(lot.producedBy)?.dispatchStatus})`);
    expect(offenders(bad)).toEqual(none);
  });

  it('goodQuantity of every work order is the sum of the lots it produced', () => {
    const sums = new Map<string, number>();
    for (const lot of rows.lots!) if (lot.producedBy) sums.set(lot.producedBy, (sums.get(lot.producedBy) ?? 0) + lot.quantity);
    const bad = rows
      .mesOrders!.filter((o) => Math.abs(o.goodQuantity - (sums.get(o.id) ?? 0)) > 1e-6)
      .map((o) => `${o.id}: good ${o.goodQuantity}, lots ${sums.get(o.id) ?? 0}`);
    expect(offenders(bad)).toEqual(none);
  });

  it('good and scrap fit in the planned quantity', () => {
    const erp = byId('erpOrders');
    const bad = rows
      .mesOrders!.filter((o) => o.goodQuantity + o.scrapQuantity > erp.get(o.id)!.plannedQuantity)
      .map((o) => `${o.id}: ${o.goodQuantity}+${o.scrapQuantity} > ${erp.get(o.id)!.plannedQuantity}`);
    expect(offenders(bad)).toEqual(none);
  });

  it("MES and ERP agree on each order's material and site, and its dispatch matches its status", () => {
    const erp = byId('erpOrders');
    const centers = byId('workCenters');
    const allowed: Record<string, string[]> = {
      CREATED: ['WAITING'],
      RELEASED: ['READY', 'RUNNING', 'HELD', 'SUSPENDED'],
      TECHNICALLY_COMPLETE: ['COMPLETED'],
      CLOSED: ['CLOSED'],
    };
    const bad = rows
      .mesOrders!.filter((o) => {
        const e = erp.get(o.id);
        if (!e || e.materialId !== o.materialId || e.siteId !== o.siteId) return true;
        if (!allowed[e.orderStatus]!.includes(o.dispatchStatus)) return true;
        // Dispatched means placed at a work center of the order's site.
        if ((o.workCenterId === null) !== (e.orderStatus === 'CREATED')) return true;
        return o.workCenterId !== null && centers.get(o.workCenterId)?.siteId !== o.siteId;
      })
      .map((o) => o.id);
    expect(rows.mesOrders!.length).toBe(rows.erpOrders!.length);
    expect(offenders(bad)).toEqual(none);
  });

  it("a produced lot carries its order's material and site", () => {
    const mes = byId('mesOrders');
    const bad = rows
      .lots!.filter(
        (l) => l.producedBy && (mes.get(l.producedBy)?.materialId !== l.materialId || mes.get(l.producedBy)?.siteId !== l.siteId),
      )
      .map((l) => l.id);
    expect(offenders(bad)).toEqual(none);
  });

  it('genealogy: a lot consumes older lots of its own site, at most what each holds, never itself', () => {
    const lots = byId('lots');
    const bad = rows
      .edges!.filter((e) => {
        const used = lots.get(e.consumedLotId);
        const made = lots.get(e.producedLotId);
        return (
          !used ||
          !made ||
          used.id === made.id ||
          used.createdAt >= made.createdAt ||
          used.siteId !== made.siteId ||
          e.quantity <= 0 ||
          e.quantity > used.quantity
        );
      })
      .map((e) => `${e.consumedLotId} -> ${e.producedLotId} (${e.quantity})`);
    expect(offenders(bad)).toEqual(none);
  });

  it("ERP's goods receipts are MES's received lots, its deliveries MES's shipped lots", () => {
    const lots = byId('lots');
    const receipts = rows.goodsReceipts!.filter((r) => !lots.get(r.lotId) || lots.get(r.lotId)!.producedBy !== null).map((r) => r.lotId);
    const shipped = rows
      .deliveryLots!.filter((d) => lots.get(d.lotId)?.lifecycleStatus !== 'SHIPPED')
      .map((d) => `${d.lotId} ${lots.get(d.lotId)?.lifecycleStatus}`);
    expect(offenders(receipts)).toEqual(none);
    expect(offenders(shipped)).toEqual(none);
  });

  it("quality's inspection lots and holds describe MES's lots: material, site, size, order", () => {
    const lots = byId('lots');
    const inspections = rows
      .inspections!.filter((i) => {
        const lot = lots.get(i.lotId);
        return (
          !lot ||
          lot.materialId !== i.materialId ||
          lot.siteId !== i.siteId ||
          lot.quantity !== i.lotQuantity ||
          (i.workOrderId ?? null) !== lot.producedBy
        );
      })
      .map((i) => `${i.id} on ${i.lotId}`);
    const holds = rows
      .holds!.filter((h) => lots.get(h.lotId)?.materialId !== h.materialId || lots.get(h.lotId)?.siteId !== h.siteId)
      .map((h) => `${h.id} on ${h.lotId}`);
    expect(offenders(inspections)).toEqual(none);
    expect(offenders(holds)).toEqual(none);
  });

  it('NCRs name existing materials, lots of that material, customers and suppliers', () => {
    const lots = byId('lots');
    const materials = byId('erpMaterials');
    const customers = byId('customers');
    const suppliers = byId('erpSuppliers');
    const bad = rows
      .ncrs!.filter(
        (n) =>
          !materials.has(n.materialId) ||
          (n.lotId && lots.get(n.lotId)?.materialId !== n.materialId) ||
          (n.customerId && !customers.has(n.customerId)) ||
          (n.supplierId && !suppliers.has(n.supplierId)),
      )
      .map((n) => `${n.id} (${n.materialId}, lot ${n.lotId})`);
    expect(offenders(bad)).toEqual(none);
  });

  it("audits name MES's work centers and ERP's materials; inventory counts ERP's material sites", () => {
    const centers = byId('workCenters');
    const materials = byId('erpMaterials');
    const audits = rows
      .audits!.filter((a) => !centers.has(a.workCenterId) || (a.materialId && !materials.has(a.materialId)))
      .map((a) => a.id);
    const sites = new Set(rows.erpMaterialSites!.map((s) => `${s.materialId}@${s.siteId}`));
    const profiles = rows.profiles!.filter((p) => !sites.has(`${p.materialId}@${p.siteId}`)).map((p) => `${p.materialId}@${p.siteId}`);
    const tasks = rows.countTasks!.filter((t) => !sites.has(`${t.materialId}@${t.siteId}`)).map((t) => t.id);
    expect(offenders(audits)).toEqual(none);
    expect(offenders(profiles)).toEqual(none);
    expect(offenders(tasks)).toEqual(none);
  });
});
