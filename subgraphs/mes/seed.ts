import type { Kysely } from 'kysely';
import { lotExecutionFact, workCenterFact, workOrderExecutionFact } from '../kit/seed/mes-world';
import { bulkInsert } from '../kit/seed/bulk';
import type { Progress } from '../kit/seed/progress';
import { ids, lotCount, workOrderCount, type ScalePlan } from '../kit/seed/world';
import type { MesDatabase } from './db';
import { syncLotNumbers } from './lot/lot.repository';

/** MES's seed: work centers, the execution of every work order, 90 days of lots and their genealogy. */
export async function seedMes(db: Kysely<MesDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  const asOf = new Date(`${plan.asOf}T00:00:00Z`);
  const centers = Array.from({ length: plan.workCenters }, (_, i) => {
    const center = workCenterFact(plan, i + 1);
    return {
      id: center.id,
      name: center.name,
      siteId: ids.site(center.site),
      area: center.area,
      state: center.state,
      stateReasonCode: null,
      stateChangedAt: asOf,
    };
  });
  await bulkInsert(db, 'workCenters', centers);

  const orders = Array.from({ length: workOrderCount(plan) }, (_, i) => {
    const { order, dispatchStatus, goodQuantity, scrapQuantity } = workOrderExecutionFact(plan, i + 1);
    return {
      id: order.id,
      materialId: ids.material(order.material),
      siteId: ids.site(order.site),
      dispatchStatus,
      goodQuantity,
      scrapQuantity,
      workCenterId: order.workCenter === null ? null : ids.workCenter(order.workCenter),
      updatedAt: asOf,
    };
  });
  await bulkInsert(db, 'workOrders', orders, { progress, label: 'mes: work orders' });

  const lots: MesDatabase['lots'][] = [];
  const edges: MesDatabase['genealogyEdges'][] = [];
  for (let n = 1; n <= lotCount(plan); n++) {
    const lot = lotExecutionFact(plan, n);
    lots.push({
      id: lot.id,
      materialId: ids.material(lot.material),
      siteId: ids.site(lot.site),
      quantity: lot.quantity,
      lifecycleStatus: lot.lifecycleStatus,
      producedBy: lot.workOrder === null ? null : ids.workOrder(lot.workOrder),
      createdAt: lot.createdAt,
    });
    for (const input of lot.consumed) edges.push({ consumedLotId: ids.lot(input.lot), producedLotId: lot.id, quantity: input.quantity });
  }
  await bulkInsert(db, 'lots', lots, { progress, label: 'mes: lots' });
  await bulkInsert(db, 'genealogyEdges', edges, { progress, label: 'mes: genealogy' });
  await syncLotNumbers(db);
}
