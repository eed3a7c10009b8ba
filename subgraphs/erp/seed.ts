import type { Kysely } from 'kysely';
import type { Insertable } from 'kysely';
import { customerFact, lotShipmentOf, supplierFact } from '../kit/seed/erp-world';
import { bulkInsert } from '../kit/seed/bulk';
import type { Progress } from '../kit/seed/progress';
import { heldLots, lotHoldFact, qualityIds } from '../kit/seed/quality-world';
import {
  addDays,
  between,
  bookQuantityOf,
  ids,
  lotCount,
  lotFact,
  materialsOfKind,
  materialTypeOf,
  pick,
  siteOfMaterial,
  unit,
  workOrderCount,
  workOrderFact,
  type LotFact,
  type ScalePlan,
} from '../kit/seed/world';
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

/**
 * ERP's seed: sites, materials with their site stock, customers' credit, production orders,
 * suppliers with purchase orders whose goods receipts are the received lots of the world, and
 * sales orders whose deliveries are the lots MES has shipped.
 */
export async function seedErp(db: Kysely<ErpDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  await db
    .insertInto('sites')
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
  await bulkInsert(db, 'materials', materials, { progress, label: 'erp: materials' });

  const asOf = new Date(`${plan.asOf}T00:00:00Z`).getTime();
  const holds = stockOfQualityHolds(plan);
  const sites = materials.map((m, i) => {
    const n = i + 1;
    const book = bookQuantityOf(n);
    return {
      materialId: m.id,
      siteId: ids.site(siteOfMaterial(plan, n)),
      bookQuantity: book,
      blockedQuantity: holds.blocked.get(n) ?? 0,
      lastMovementAt: new Date(asOf - Math.floor(unit('movement', n) * 30 * 86_400_000)),
    };
  });
  await bulkInsert(db, 'materialSites', sites, { progress, label: 'erp: material stock' });

  await db
    .insertInto('customers')
    .values(
      Array.from({ length: plan.customers }, (_, i) => ({
        id: ids.customer(i + 1),
        creditLimit: customerFact(i + 1).creditLimit,
      })),
    )
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
  await bulkInsert(db, 'workOrders', orders, { progress, label: 'erp: work orders' });

  await insertAll(db, 'stockStatusChanges', holds.documents, progress);

  // Drawing a lot walks back through older lots: draw each once for both passes.
  const lots = Array.from({ length: lotCount(plan) }, (_, i) => lotFact(plan, i + 1));
  await seedPurchasing(db, plan, lots, progress);
  await seedSales(db, plan, lots, progress);
}

const DAY = 86_400_000;

/**
 * The stock postings of quality's seeded holds: each hold blocked its lot's quantity (as much of
 * it as the book holds) and each released hold released it again, under the hold's id and the
 * document numbers quality's seed records; open holds leave their quantity blocked.
 */
function stockOfQualityHolds(plan: ScalePlan) {
  const blocked = new Map<number, number>();
  const documents: Insertable<ErpDatabase['stockStatusChanges']>[] = [];
  heldLots(plan).forEach((n, i) => {
    const hold = lotHoldFact(plan, n)!;
    const material = hold.lot.material;
    const open = hold.releasedAt === null;
    const already = blocked.get(material) ?? 0;
    const quantity = Math.min(hold.lot.quantity, bookQuantityOf(material) - (open ? already : 0));
    if (quantity <= 0) return;
    const base = {
      sourceHoldId: qualityIds.hold(i + 1),
      lotId: hold.lot.id,
      materialId: ids.material(material),
      siteId: ids.site(hold.lot.site),
      quantity: Math.round(quantity * 1000) / 1000,
      postedBy: 'service:quality',
    };
    const document = `SSC-SEED-${String(i + 1).padStart(6, '0')}`;
    documents.push({ ...base, documentNumber: `${document}-B`, toStatus: 'BLOCKED', postedAt: hold.placedAt });
    if (open) blocked.set(material, already + base.quantity);
    else documents.push({ ...base, documentNumber: `${document}-U`, toStatus: 'UNRESTRICTED', postedAt: hold.releasedAt! });
  });
  return { blocked, documents };
}

const dateOf = (instant: Date) => instant.toISOString().slice(0, 10);

/** Inserts rows in bulk with progress. */
async function insertAll<T extends keyof ErpDatabase & string>(
  db: Kysely<ErpDatabase>,
  table: T,
  rows: readonly Insertable<ErpDatabase[T]>[],
  progress: Progress,
): Promise<void> {
  await bulkInsert(db, table, rows, { progress, label: `erp: ${table}` });
}

/** Which of the three 30-day periods of the seeded history an instant falls in. */
function periodOf(plan: ScalePlan, instant: Date): number {
  const start = new Date(`${plan.asOf}T00:00:00Z`).getTime() - 90 * DAY;
  return Math.max(0, Math.min(2, Math.floor((instant.getTime() - start) / (30 * DAY))));
}

interface SeedLine {
  lineNumber: number;
  materialId: string;
  orderedQuantity: number;
  receivedQuantity: number;
  promisedDate: string | null;
}
interface SeedPurchaseOrder {
  number: string;
  supplierId: string;
  status: string;
  orderDate: string;
  lines: Map<string, SeedLine>;
}

/**
 * Suppliers, and purchase orders: one per supplier and 30-day period holds the goods receipts of
 * that supplier's received lots (closed, received, or partly received in the last period), then
 * open orders without receipts, at least one per supplier.
 */
async function seedPurchasing(db: Kysely<ErpDatabase>, plan: ScalePlan, lots: readonly LotFact[], progress: Progress): Promise<void> {
  const suppliers = Array.from({ length: plan.suppliers }, (_, i) => {
    const { id, name, countryCode } = supplierFact(i + 1);
    return { id, name, countryCode };
  });
  await insertAll(db, 'suppliers', suppliers, progress);

  let poSequence = 0;
  const nextPo = () => String(4500000000 + ++poSequence);
  const orders: SeedPurchaseOrder[] = [];
  const history = new Map<string, SeedPurchaseOrder>();
  const receipts: Insertable<ErpDatabase['goodsReceipts']>[] = [];
  for (const lot of lots) {
    if (lot.kind !== 'RECEIVED') continue;
    const period = periodOf(plan, lot.createdAt);
    const key = `${lot.supplier}:${period}`;
    let order = history.get(key);
    if (!order) {
      const number = nextPo();
      const partial = period === 2 && unit('po-partial', poSequence) < 0.25;
      order = {
        number,
        supplierId: ids.supplier(lot.supplier!),
        status: period === 0 ? 'CLOSED' : partial ? 'PARTIALLY_RECEIVED' : 'RECEIVED',
        orderDate: addDays(dateOf(lot.createdAt), -between('po-lead', poSequence, 7, 21)),
        lines: new Map(),
      };
      history.set(key, order);
      orders.push(order);
    }
    const materialId = ids.material(lot.material);
    let line = order.lines.get(materialId);
    if (!line) {
      line = {
        lineNumber: (order.lines.size + 1) * 10,
        materialId,
        orderedQuantity: 0,
        receivedQuantity: 0,
        promisedDate: dateOf(lot.createdAt),
      };
      order.lines.set(materialId, line);
    }
    line.receivedQuantity += lot.quantity;
    receipts.push({
      documentNumber: String(5000000000 + receipts.length + 1),
      poNumber: order.number,
      lineNumber: line.lineNumber,
      lotId: lot.id,
      quantity: lot.quantity,
      receivedAt: lot.createdAt,
    });
  }
  for (const order of orders) {
    for (const line of order.lines.values()) {
      const open = order.status === 'PARTIALLY_RECEIVED' ? between('po-open-qty', line.lineNumber + Number(order.number), 50, 500) : 0;
      line.orderedQuantity = line.receivedQuantity + open;
    }
  }

  const purchasable = materialsOfKind(plan, ['RAW', 'PACKAGING']);
  const openOrders = 200 * plan.scale;
  for (let i = 1; i <= openOrders; i++) {
    const order: SeedPurchaseOrder = {
      number: nextPo(),
      supplierId: ids.supplier(i <= plan.suppliers ? i : between('po-supplier', i, 1, plan.suppliers)),
      status: 'OPEN',
      orderDate: addDays(plan.asOf, -between('po-date', i, 0, 30)),
      lines: new Map(),
    };
    const lineCount = between('po-lines', i, 1, 4);
    for (let k = 0; k < lineCount; k++) {
      const materialId = ids.material(pick(`po-material-${k}`, i, purchasable));
      if (order.lines.has(materialId)) continue;
      order.lines.set(materialId, {
        lineNumber: (order.lines.size + 1) * 10,
        materialId,
        orderedQuantity: between(`po-qty-${k}`, i, 100, 2000),
        receivedQuantity: 0,
        promisedDate: unit(`po-promised-${k}`, i) < 0.4 ? null : addDays(plan.asOf, between(`po-promise-${k}`, i, 3, 40)),
      });
    }
    orders.push(order);
  }

  await insertAll(
    db,
    'purchaseOrders',
    orders.map(({ number, supplierId, status, orderDate }) => ({ number, supplierId, status, orderDate })),
    progress,
  );
  const lines = orders.flatMap((o) => [...o.lines.values()].map((l) => ({ poNumber: o.number, ...l })));
  await insertAll(db, 'purchaseOrderLines', lines, progress);
  await insertAll(db, 'goodsReceipts', receipts, progress);
}

/**
 * Sales orders: one per customer and 30-day period delivers the lots MES has shipped to that
 * customer (completed), then open orders, at least one per customer.
 */
async function seedSales(db: Kysely<ErpDatabase>, plan: ScalePlan, lots: readonly LotFact[], progress: Progress): Promise<void> {
  let soSequence = 0;
  const nextSo = () => String(1000000000 + ++soSequence);
  const orders: Insertable<ErpDatabase['salesOrders']>[] = [];
  const completed = new Map<string, string>();
  const deliveries = new Map<string, Insertable<ErpDatabase['outboundDeliveries']>>();
  const deliveryLots: Insertable<ErpDatabase['deliveryLots']>[] = [];
  for (const lot of lots) {
    const shipment = lotShipmentOf(plan, lot);
    if (!shipment) continue;
    const key = `${shipment.customer}:${periodOf(plan, shipment.shippedAt)}`;
    let number = completed.get(key);
    if (!number) {
      number = nextSo();
      const requested = dateOf(shipment.shippedAt);
      orders.push({
        number,
        customerId: ids.customer(shipment.customer),
        status: 'COMPLETED',
        orderDate: addDays(requested, -between('so-lead', soSequence, 5, 20)),
        requestedDeliveryDate: requested,
      });
      completed.set(key, number);
    }
    const deliveryKey = `${number}:${dateOf(shipment.shippedAt)}`;
    let delivery = deliveries.get(deliveryKey);
    if (!delivery) {
      delivery = { documentNumber: String(8000000000 + deliveries.size + 1), salesOrderNumber: number, shippedAt: shipment.shippedAt };
      deliveries.set(deliveryKey, delivery);
    }
    deliveryLots.push({ deliveryNumber: delivery.documentNumber, lotId: lot.id, quantity: lot.quantity });
  }

  const openOrders = 300 * plan.scale;
  for (let i = 1; i <= openOrders; i++) {
    orders.push({
      number: nextSo(),
      customerId: ids.customer(i <= plan.customers ? i : between('so-customer', i, 1, plan.customers)),
      status: unit('so-status', i) < 0.75 ? 'OPEN' : 'IN_DELIVERY',
      orderDate: addDays(plan.asOf, -between('so-date', i, 0, 20)),
      requestedDeliveryDate: addDays(plan.asOf, between('so-requested', i, 1, 60)),
    });
  }
  await insertAll(db, 'salesOrders', orders, progress);
  await insertAll(db, 'outboundDeliveries', [...deliveries.values()], progress);
  await insertAll(db, 'deliveryLots', deliveryLots, progress);
}
