import type { Kysely } from 'kysely';
import { lotExecutionFact, workCenterFact, workOrderExecutionFact } from '../kit/seed/mes-world';
import type { Progress } from '../kit/seed/progress';
import { chunks, ids, lotCount, workOrderCount, type ScalePlan } from '../kit/seed/world';
import type { MesDatabase } from './db';
import { syncLotNumbers } from './lot/lot.repository';

/** MES's seed: work centers, the execution of every work order, 90 days of lots and their genealogy. */
export async function seedMes(db: Kysely<MesDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  const asOf = new Date(`${plan.asOf}T00:00:00Z`);
  const centers = Array.from({ length: plan.workCenters }, (_, i) => {
    const center = workCenterFact(plan, i + 1);
    return { id: center.id, name: center.name, siteId: ids.site(center.site), area: center.area, state: center.state, stateReasonCode: null, stateChangedAt: asOf };
  });
  for (const batch of chunks(centers)) await db.insertInto('workCenters').values(batch).execute();

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
  let done = 0;
  for (const batch of chunks(orders)) {
    progress.step('mes: work orders', done, orders.length);
    await db.insertInto('workOrders').values(batch).execute();
    done += batch.length;
  }

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
  done = 0;
  for (const batch of chunks(lots)) {
    progress.step('mes: lots', done, lots.length);
    await db.insertInto('lots').values(batch).execute();
    done += batch.length;
  }
  done = 0;
  for (const batch of chunks(edges, 5000)) {
    progress.step('mes: genealogy', done, edges.length);
    await db.insertInto('genealogyEdges').values(batch).execute();
    done += batch.length;
  }
  await syncLotNumbers(db);
}
