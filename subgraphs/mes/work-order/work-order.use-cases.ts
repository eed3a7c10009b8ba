import type { Kysely } from 'kysely';
import { recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import type { MesDatabase } from '../db';
import { DispatchStatus } from '../enums';
import { inTransaction, invalid, missing, success, type Outcome, invalidState } from '../../kit/outcome';
import { findWorkCentersByIds } from '../work-center/work-center.repository';
import { lockWorkOrder, updateWorkOrder, type WorkOrderRow } from './work-order.repository';
import { recordChangeEvent } from '../../kit/events';

/** Orders that can be (re)dispatched: not yet running, or paused. */
const DISPATCHABLE: readonly string[] = [DispatchStatus.WAITING, DispatchStatus.READY, DispatchStatus.SUSPENDED];

/** Dispatches a work order to a work center of its site (it becomes READY there), with its audit-trail row. */
export async function dispatchWorkOrder(
  db: Kysely<MesDatabase>,
  caller: Caller,
  workOrderId: string,
  workCenterId: string,
): Promise<Outcome<WorkOrderRow>> {
  return inTransaction(db, async (trx) => {
    const before = await lockWorkOrder(trx, workOrderId);
    if (!before) return missing('WorkOrder', workOrderId);
    const [center] = await findWorkCentersByIds(trx, [workCenterId]);
    if (!center) return missing('WorkCenter', workCenterId);
    if (center.siteId !== before.siteId) {
      return invalid(
        'workCenterId',
        `expected a work center of site ${before.siteId} (where ${workOrderId} is made), got ${workCenterId} of site ${center.siteId}`,
      );
    }
    if (!DISPATCHABLE.includes(before.dispatchStatus)) {
      return invalidState(
        `work order ${workOrderId} is ${before.dispatchStatus}; only ${DISPATCHABLE.join(', ')} orders can be dispatched`,
        before.dispatchStatus,
      );
    }
    if (before.dispatchStatus === DispatchStatus.READY && before.workCenterId === workCenterId) return success(before);
    const after = await updateWorkOrder(trx, workOrderId, { dispatchStatus: DispatchStatus.READY, workCenterId });
    await recordChange(trx, { caller, operation: 'dispatchWorkOrder', entityType: 'WorkOrder', entityId: workOrderId, before, after });
    await recordChangeEvent(trx, { field: 'workOrderProgressed', scope: after.siteId, key: { id: workOrderId } });
    return success(after);
  });
}
