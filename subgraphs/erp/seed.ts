import type { Kysely } from 'kysely';
import type { Progress } from '../kit/seed/progress';
import { between, bookQuantityOf, chunks, ids, materialTypeOf, pick, siteOfMaterial, unit, workOrderCount, workOrderFact, type ScalePlan } from '../kit/seed/world';
import type { ErpDatabase } from './db';

const UNITS: Record<string, readonly string[]> = {
  RAW: ['KG', 'M', 'EA', 'L'],
  SEMI_FINISHED: ['EA'],
  FINISHED: ['EA'],
  PACKAGING: ['EA'],
  MRO: ['EA'],
};
const NOUNS: Record<string, readonly string[]> = {
  RAW: ['Steel sheet', 'Aluminium bar', 'Copper wire', 'Resin', 'Polymer granulate', 'Brass rod', 'Solvent'],
  SEMI_FINISHED: ['Machined housing', 'Welded frame', 'Painted panel', 'Sub-assembly', 'Molded cover'],
  FINISHED: ['Pump unit', 'Valve assembly', 'Gearbox', 'Control cabinet', 'Hydraulic cylinder'],
  PACKAGING: ['Carton', 'Pallet', 'Foam insert', 'Stretch film'],
  MRO: ['Bearing', 'Drive belt', 'Filter cartridge', 'Lubricant'],
};

/** ERP's seed: sites, materials with their site stock, customers' credit, production orders. */
export async function seedErp(db: Kysely<ErpDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  await db.insertInto('sites')
    .values(Array.from({ length: plan.sites }, (_, i) => ({ id: ids.site(i + 1), name: `Plant ${i + 1}` })))
    .execute();

  const materials = Array.from({ length: plan.materials }, (_, i) => {
    const n = i + 1;
    const type = materialTypeOf(n);
    return {
      id: ids.material(n),
      description: `${pick('noun', n, NOUNS[type]!)} ${between('size', n, 10, 990)}`,
      materialType: type,
      baseUnitOfMeasure: pick('uom', n, UNITS[type]!),
      standardCost: Math.round((1 + unit('cost', n) * (type === 'FINISHED' ? 2000 : 150)) * 100) / 100,
      lotControlled: type !== 'MRO' && unit('lot-controlled', n) < 0.8,
    };
  });
  let done = 0;
  for (const batch of chunks(materials)) {
    progress.step('erp: materials', done, materials.length);
    await db.insertInto('materials').values(batch).execute();
    done += batch.length;
  }

  const asOf = new Date(`${plan.asOf}T00:00:00Z`).getTime();
  const sites = materials.map((m, i) => {
    const n = i + 1;
    const book = bookQuantityOf(n);
    return {
      materialId: m.id,
      siteId: ids.site(siteOfMaterial(plan, n)),
      bookQuantity: book,
      blockedQuantity: 0,
      lastMovementAt: new Date(asOf - Math.floor(unit('movement', n) * 30 * 86_400_000)),
    };
  });
  done = 0;
  for (const batch of chunks(sites)) {
    progress.step('erp: material stock', done, sites.length);
    await db.insertInto('materialSites').values(batch).execute();
    done += batch.length;
  }

  await db.insertInto('customers')
    .values(Array.from({ length: plan.customers }, (_, i) => ({
      id: ids.customer(i + 1),
      creditLimit: unit('credit', i + 1) < 0.1 ? null : Math.round(unit('credit-limit', i + 1) * 500) * 1000,
    })))
    .execute();

  const orders = Array.from({ length: workOrderCount(plan) }, (_, i) => {
    const order = workOrderFact(plan, i + 1);
    return {
      id: order.id,
      materialId: ids.material(order.material),
      siteId: ids.site(order.site),
      plannedQuantity: order.plannedQuantity,
      dueDate: order.dueDate,
      orderStatus: order.status,
      customerId: order.customer === null ? null : ids.customer(order.customer),
    };
  });
  done = 0;
  for (const batch of chunks(orders)) {
    progress.step('erp: work orders', done, orders.length);
    await db.insertInto('workOrders').values(batch).execute();
    done += batch.length;
  }
}
