/**
 * Execution facts of the seed world: work centers, what MES has done with each work order, and
 * the physical lifecycle of each lot. MES seeds from them; other systems may read them to agree
 * with MES (which work center is where, which lots were shipped) without reading its database.
 */
import {
  ids,
  lotFact,
  materialTypeOf,
  siteOfWorkCenter,
  unit,
  workOrderFact,
  workOrderHasOutput,
  workOrderOutputOf,
  type LotFact,
  type ScalePlan,
  type WorkOrderFact,
} from './world';

export type WorkCenterStateKind = 'RUNNING' | 'IDLE' | 'DOWN' | 'CHANGEOVER' | 'PLANNED_DOWNTIME';
export type DispatchStatusKind = 'WAITING' | 'READY' | 'RUNNING' | 'HELD' | 'SUSPENDED' | 'COMPLETED' | 'ABORTED' | 'CLOSED';
export type LotLifecycleKind = 'IN_PROCESS' | 'AVAILABLE' | 'CONSUMED' | 'SHIPPED' | 'SCRAPPED';

/** ISA-95 areas of a plant in flow order, with the kind of work center each holds. */
const AREAS = [
  { area: 'Fabrication', machine: 'Laser cutter' },
  { area: 'Machining', machine: 'CNC mill' },
  { area: 'Welding', machine: 'Weld cell' },
  { area: 'Painting', machine: 'Paint line' },
  { area: 'Assembly', machine: 'Assembly line' },
  { area: 'Packaging', machine: 'Packing station' },
] as const;

export interface WorkCenterFact {
  readonly number: number;
  readonly id: string;
  readonly site: number;
  readonly area: string;
  /** Unique within its site ("CNC mill 2"). */
  readonly name: string;
  readonly state: WorkCenterStateKind;
}

/** Work center n (1-based): its site, its area (a site's centers spread over the areas in order) and its state. */
export function workCenterFact(plan: ScalePlan, n: number): WorkCenterFact {
  const site = siteOfWorkCenter(plan, n);
  const centersPerSite = Math.max(1, Math.floor(plan.workCenters / plan.sites));
  const firstOfSite = (site - 1) * centersPerSite + 1;
  const areaOf = (k: number) => Math.min(AREAS.length - 1, Math.floor(((k - firstOfSite) * AREAS.length) / centersPerSite));
  const areaIndex = areaOf(n);
  let ordinal = 1;
  for (let k = firstOfSite; k < n; k++) if (areaOf(k) === areaIndex) ordinal++;
  const u = unit('wc-state', n);
  const state: WorkCenterStateKind =
    u < 0.6 ? 'RUNNING' : u < 0.8 ? 'IDLE' : u < 0.88 ? 'CHANGEOVER' : u < 0.95 ? 'DOWN' : 'PLANNED_DOWNTIME';
  const { area, machine } = AREAS[areaIndex]!;
  return { number: n, id: ids.workCenter(n), site, area, name: `${machine} ${ordinal}`, state };
}

export interface WorkOrderExecutionFact {
  readonly order: WorkOrderFact;
  readonly dispatchStatus: DispatchStatusKind;
  /** Whole units; good + scrap never exceed the planned quantity. */
  readonly goodQuantity: number;
  readonly scrapQuantity: number;
}

/**
 * MES's execution of work order n, consistent with ERP's status and with the lots: created orders
 * wait, released ones are ready (no output yet), running, held or suspended at their work
 * center, technically complete ones are completed and closed ones closed. The good quantity is
 * the sum of the lots the order produced; good and scrap fit in the planned quantity.
 */
export function workOrderExecutionFact(plan: ScalePlan, n: number): WorkOrderExecutionFact {
  const order = workOrderFact(plan, n);
  const planned = order.plannedQuantity;
  if (!workOrderHasOutput(order.status, n)) {
    return { order, dispatchStatus: order.status === 'CREATED' ? 'WAITING' : 'READY', goodQuantity: 0, scrapQuantity: 0 };
  }
  const good = workOrderOutputOf(plan, n);
  const scrapQuantity = Math.min(planned - good, Math.floor(planned * 0.04 * unit('wo-scrap', n)));
  let dispatchStatus: DispatchStatusKind;
  if (order.status === 'RELEASED') {
    const u = unit('wo-dispatch', n);
    dispatchStatus = u < 0.85 ? 'RUNNING' : u < 0.95 ? 'HELD' : 'SUSPENDED';
  } else {
    dispatchStatus = order.status === 'CLOSED' ? 'CLOSED' : 'COMPLETED';
  }
  return { order, dispatchStatus, goodQuantity: good, scrapQuantity };
}

const HOUR = 3_600_000;

/**
 * The physical lifecycle of a lot as of the seed's end: about 1 % scrapped, produced lots of the
 * last twelve hours still in process, most finished lots older than five days shipped, the rest
 * available. Seeded lots keep the quantity `lotFact` gives, so none is seeded as CONSUMED.
 */
export function lotLifecycleOf(plan: ScalePlan, lot: LotFact): LotLifecycleKind {
  const age = new Date(`${plan.asOf}T00:00:00Z`).getTime() - lot.createdAt.getTime();
  if (unit('lot-scrapped', lot.number) < 0.01) return 'SCRAPPED';
  if (lot.kind === 'PRODUCED' && age < 12 * HOUR) return 'IN_PROCESS';
  if (materialTypeOf(lot.material) === 'FINISHED' && age > 5 * 24 * HOUR && unit('lot-shipped', lot.number) < 0.7) return 'SHIPPED';
  return 'AVAILABLE';
}

/** Lot n with its lifecycle status. */
export function lotExecutionFact(plan: ScalePlan, n: number): LotFact & { readonly lifecycleStatus: LotLifecycleKind } {
  const lot = lotFact(plan, n);
  return { ...lot, lifecycleStatus: lotLifecycleOf(plan, lot) };
}
