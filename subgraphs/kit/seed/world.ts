/**
 * The seed world: how many of each thing a scale has, their stable identifiers, and
 * deterministic per-entity randomness. Every system seeds its own rows from it, so the
 * systems agree on identifiers without reading each other's databases.
 */

/** The day the seeded history ends; fixed so that the same scale always gives the same rows. */
export const DEFAULT_AS_OF = '2026-11-01';

export interface ScalePlan {
  readonly scale: number;
  readonly asOf: string;
  readonly sites: number;
  readonly materials: number;
  readonly workCenters: number;
  readonly customers: number;
  readonly suppliers: number;
  readonly openWorkOrders: number;
  readonly closedWorkOrders: number;
}

/** Counts per scale: scale 1 is one mid-size plant, scale 100 a large enterprise. */
export function scalePlan(scale: number, asOf = DEFAULT_AS_OF): ScalePlan {
  if (!Number.isInteger(scale) || scale < 1 || scale > 1000) {
    throw new RangeError(`scale must be a whole number from 1 to 1000, got ${scale}`);
  }
  return {
    scale,
    asOf,
    sites: scale === 1 ? 1 : Math.max(2, Math.round(scale * 0.4)),
    materials: 3000 * scale,
    workCenters: 20 * scale,
    customers: 150 * scale,
    suppliers: 200 * scale,
    openWorkOrders: 200 * scale,
    closedWorkOrders: 400 * scale,
  };
}

const pad = (prefix: string, width: number) => (n: number) => `${prefix}${String(n).padStart(width, '0')}`;

/** Stable identifiers; numbers start at 1. */
export const ids = {
  site: pad('S', 2),
  material: pad('M', 6),
  customer: pad('C', 5),
  supplier: pad('V', 5),
  workCenter: pad('WC', 3),
  workOrder: pad('WO', 7),
  lot: pad('L', 8),
};

/** A uniform number in [0, 1) determined by (stream, index): the same inputs always give the same number. */
export function unit(stream: string, index: number): number {
  let h = 2166136261 ^ index;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A whole number in [min, max] determined by (stream, index). */
export function between(stream: string, index: number, min: number, max: number): number {
  return min + Math.floor(unit(stream, index) * (max - min + 1));
}

/** Picks from a list by (stream, index). */
export function pick<T>(stream: string, index: number, values: readonly T[]): T {
  return values[Math.floor(unit(stream, index) * values.length)]!;
}

/** The site a material is stocked at (1-based material number → site number). */
export function siteOfMaterial(plan: ScalePlan, material: number): number {
  return ((material - 1) % plan.sites) + 1;
}

/** ERP's book quantity of a material at its site, which counts in inventory are drawn around. */
export function bookQuantityOf(material: number): number {
  return Math.round(unit('book', material) * 2000 * 1000) / 1000 + 10;
}

/** The cycle-count class of a material (about 15 % A, 30 % B, 55 % C). */
export function abcClassOf(material: number): 'A' | 'B' | 'C' {
  const u = unit('abc', material);
  return u < 0.15 ? 'A' : u < 0.45 ? 'B' : 'C';
}

/** Adds days to a "YYYY-MM-DD" date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Splits rows into chunks for multi-row INSERTs. */
export function* chunks<T>(rows: readonly T[], size = 1000): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

// ---------------------------------------------------------------------------------------------
// Facts more than one system seeds from. Each system stores only its own part of them.
// ---------------------------------------------------------------------------------------------

export type MaterialKind = 'RAW' | 'SEMI_FINISHED' | 'FINISHED' | 'PACKAGING' | 'MRO';
const MATERIAL_KINDS: readonly MaterialKind[] = ['RAW', 'RAW', 'RAW', 'SEMI_FINISHED', 'FINISHED', 'FINISHED', 'PACKAGING', 'MRO'];

/** The material type of material number n. */
export function materialTypeOf(material: number): MaterialKind {
  return pick('material-type', material, MATERIAL_KINDS);
}

/** Material numbers of one kind, ascending (memoised per scale). */
const byKindCache = new Map<string, number[]>();
export function materialsOfKind(plan: ScalePlan, kinds: readonly MaterialKind[]): number[] {
  const key = `${plan.materials}:${kinds.join(',')}`;
  let list = byKindCache.get(key);
  if (!list) {
    list = [];
    for (let n = 1; n <= plan.materials; n++) if (kinds.includes(materialTypeOf(n))) list.push(n);
    byKindCache.set(key, list);
  }
  return list;
}

export type WorkOrderStatus = 'CREATED' | 'RELEASED' | 'TECHNICALLY_COMPLETE' | 'CLOSED';

export interface WorkOrderFact {
  readonly number: number;
  readonly id: string;
  readonly material: number;
  readonly site: number;
  readonly plannedQuantity: number;
  readonly dueDate: string;
  readonly status: WorkOrderStatus;
  /** Make-to-order customer number, if any. */
  readonly customer: number | null;
  /** The work center (number) MES dispatches it to; null while not dispatched. */
  readonly workCenter: number | null;
}

/** A work order's facts other than its planned quantity, which depends on the lots it made. */
type WorkOrderHeader = Omit<WorkOrderFact, 'plannedQuantity'>;

/** The product work order n makes. */
function workOrderMaterialOf(plan: ScalePlan, n: number): number {
  return pick('wo-material', n, materialsOfKind(plan, ['FINISHED', 'SEMI_FINISHED']));
}

/** ERP's status of work order n: open orders are released or created, older ones complete or closed. */
function workOrderStatusOf(plan: ScalePlan, n: number): WorkOrderStatus {
  if (n <= plan.openWorkOrders) return unit('wo-status', n) < 0.6 ? 'RELEASED' : 'CREATED';
  return unit('wo-status', n) < 0.3 ? 'TECHNICALLY_COMPLETE' : 'CLOSED';
}

function workOrderHeader(plan: ScalePlan, n: number): WorkOrderHeader {
  const open = n <= plan.openWorkOrders;
  const material = workOrderMaterialOf(plan, n);
  const status = workOrderStatusOf(plan, n);
  const site = siteOfMaterial(plan, material);
  const centersPerSite = Math.max(1, Math.floor(plan.workCenters / plan.sites));
  return {
    number: n,
    id: ids.workOrder(n),
    material,
    site,
    dueDate: addDays(plan.asOf, open ? between('wo-due', n, -5, 45) : -between('wo-due', n, 1, 90)),
    status,
    customer: materialTypeOf(material) === 'FINISHED' && unit('mto', n) < 0.5 ? between('wo-customer', n, 1, plan.customers) : null,
    workCenter: status === 'CREATED' ? null : (site - 1) * centersPerSite + between('wo-wc', n, 1, centersPerSite),
  };
}

/**
 * Whether MES has reported output on work order n: every completed or closed order, and released
 * orders past READY (about 60 %). A created order is not dispatched and has made nothing.
 */
export function workOrderHasOutput(status: WorkOrderStatus, n: number): boolean {
  if (status === 'CREATED') return false;
  if (status === 'RELEASED') return unit('wo-dispatch', n) >= 0.4;
  return true;
}

/** The quantity a lot of this number holds as produced or received (each system seeds this quantity). */
function lotQuantityOf(kind: 'RECEIVED' | 'PRODUCED', n: number): number {
  return kind === 'RECEIVED' ? between('lot-qty', n, 50, 2000) : between('lot-qty', n, 10, 500);
}

interface Production {
  /** Work order numbers with output, ascending: the orders produced lots are drawn from. */
  readonly producing: readonly number[];
  /** Work order number → total good quantity of the lots it produced. */
  readonly output: ReadonlyMap<number, number>;
  /** Per lot number: its material, and the work order that produced it (0 for a received lot). */
  readonly lotMaterial: Int32Array;
  readonly lotWorkOrder: Int32Array;
}

let productionCache: { plan: ScalePlan; key: string; production: Production } | undefined;

/** Which orders produced lots and how much, for the plan being seeded (remembered for the last plan). */
function productionOf(plan: ScalePlan): Production {
  if (productionCache?.plan === plan) return productionCache.production;
  const key = `${plan.scale}:${plan.asOf}`;
  if (productionCache?.key === key) return productionCache.production;
  const producing: number[] = [];
  for (let n = 1; n <= workOrderCount(plan); n++) {
    if (workOrderHasOutput(workOrderStatusOf(plan, n), n)) producing.push(n);
  }
  const lots = lotCount(plan);
  const production: Production = {
    producing,
    output: new Map(),
    lotMaterial: new Int32Array(lots + 1),
    lotWorkOrder: new Int32Array(lots + 1),
  };
  productionCache = { plan, key, production };
  const output = production.output as Map<number, number>;
  for (let n = 1; n <= lots; n++) {
    const header = lotHeader(plan, n);
    production.lotMaterial[n] = header.material;
    production.lotWorkOrder[n] = header.workOrder ?? 0;
    if (header.workOrder !== null) output.set(header.workOrder, (output.get(header.workOrder) ?? 0) + lotQuantityOf('PRODUCED', n));
  }
  return production;
}

/** The good quantity of work order n: the sum of the lots it produced. */
export function workOrderOutputOf(plan: ScalePlan, n: number): number {
  return productionOf(plan).output.get(n) ?? 0;
}

/**
 * Work order n (1-based): open orders first (1…openWorkOrders), then closed history. An order
 * with output plans at least what its lots hold: closed ones yielded 92-100 % of the plan,
 * running ones have 10-500 units left to make.
 */
export function workOrderFact(plan: ScalePlan, n: number): WorkOrderFact {
  const header = workOrderHeader(plan, n);
  const good = workOrderHasOutput(header.status, n) ? workOrderOutputOf(plan, n) : 0;
  let plannedQuantity = between('wo-qty', n, 10, 500);
  if (good > 0)
    plannedQuantity =
      header.status === 'RELEASED' ? good + plannedQuantity : Math.max(good, Math.ceil(good / (0.92 + 0.08 * unit('wo-yield', n))));
  return { ...header, plannedQuantity };
}

export function workOrderCount(plan: ScalePlan): number {
  return plan.openWorkOrders + plan.closedWorkOrders;
}

/** The site (number) of work center n. */
export function siteOfWorkCenter(plan: ScalePlan, workCenter: number): number {
  const centersPerSite = Math.max(1, Math.floor(plan.workCenters / plan.sites));
  return Math.min(plan.sites, Math.floor((workCenter - 1) / centersPerSite) + 1);
}

export interface LotFact {
  readonly number: number;
  readonly id: string;
  readonly kind: 'RECEIVED' | 'PRODUCED';
  readonly material: number;
  readonly site: number;
  readonly quantity: number;
  readonly createdAt: Date;
  /** RECEIVED lots: the supplier number of the goods receipt. */
  readonly supplier: number | null;
  /** PRODUCED lots: the work order number that produced it (a closed or open order). */
  readonly workOrder: number | null;
  /** PRODUCED lots: the lot numbers it consumed (all older), with quantities. */
  readonly consumed: readonly { lot: number; quantity: number }[];
}

/** How many lots the seed has: about 8,000 at scale 1 over 90 days. */
export function lotCount(plan: ScalePlan): number {
  return 8000 * plan.scale;
}

/** Kind and material of lot n: what other lots need to know to consume it. */
function lotHeader(plan: ScalePlan, n: number): { kind: 'RECEIVED' | 'PRODUCED'; material: number; workOrder: number | null } {
  if (n <= 50 || unit('lot-kind', n) < 0.35) {
    return { kind: 'RECEIVED', material: pick('lot-material', n, materialsOfKind(plan, ['RAW', 'PACKAGING'])), workOrder: null };
  }
  // Only an order MES dispatched and reported output on has produced lots: a lot drawn for any
  // other order goes to one of those instead (the rest keep the order they always had).
  let workOrder = between('lot-wo', n, 1, workOrderCount(plan));
  if (!workOrderHasOutput(workOrderStatusOf(plan, workOrder), workOrder)) {
    const { producing } = productionOf(plan);
    workOrder = producing[Math.floor(unit('lot-wo-output', n) * producing.length)]!;
  }
  return { kind: 'PRODUCED', material: workOrderMaterialOf(plan, workOrder), workOrder };
}

/**
 * Lot n (1-based, in creation order over the 90 days before `asOf`). About 35 % are received
 * from suppliers (raw and packaging), the rest produced by work orders. A semi-finished lot
 * consumes received lots; a finished lot consumes semi-finished lots and packaging, so
 * genealogy runs two and three levels deep.
 */
export function lotFact(plan: ScalePlan, n: number): LotFact {
  const total = lotCount(plan);
  const start = new Date(`${plan.asOf}T00:00:00Z`).getTime() - 90 * 86_400_000;
  const createdAt = new Date(start + Math.floor(((n - 0.5) / total) * 90 * 86_400_000));
  const header = lotHeader(plan, n);
  if (header.kind === 'RECEIVED') {
    return {
      number: n,
      id: ids.lot(n),
      kind: 'RECEIVED',
      material: header.material,
      site: siteOfMaterial(plan, header.material),
      quantity: lotQuantityOf('RECEIVED', n),
      createdAt,
      supplier: between('lot-supplier', n, 1, plan.suppliers),
      workOrder: null,
      consumed: [],
    };
  }
  const finished = materialTypeOf(header.material) === 'FINISHED';
  const site = siteOfMaterial(plan, header.material);
  const { lotMaterial, lotWorkOrder } = productionOf(plan);
  // Inputs come from the same site, as MES requires of a production report.
  const wanted = (k: number) =>
    siteOfMaterial(plan, lotMaterial[k]!) === site &&
    (finished ? lotWorkOrder[k] !== 0 && materialTypeOf(lotMaterial[k]!) === 'SEMI_FINISHED' : lotWorkOrder[k] === 0);
  const inputs = between('lot-inputs', n, 1, 3);
  const consumed: { lot: number; quantity: number }[] = [];
  for (let k = 0; k < inputs; k++) {
    let lot = n - 1 - Math.floor(unit(`lot-input-${k}`, n) * Math.min(n - 1, 300));
    while (lot >= 1 && !wanted(lot)) lot--;
    if (lot >= 1 && !consumed.some((c) => c.lot === lot)) {
      // A report consumes at most what the input lot holds.
      const holds = lotQuantityOf(lotWorkOrder[lot] === 0 ? 'RECEIVED' : 'PRODUCED', lot);
      consumed.push({ lot, quantity: Math.min(between(`lot-input-qty-${k}`, n, 1, 50), holds) });
    }
  }
  return {
    number: n,
    id: ids.lot(n),
    kind: 'PRODUCED',
    material: header.material,
    site,
    quantity: lotQuantityOf('PRODUCED', n),
    createdAt,
    supplier: null,
    workOrder: header.workOrder,
    consumed,
  };
}
