import type { Kysely } from 'kysely';
import { recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import type { ErpDatabase } from '../db';
import { ErpOrderStatus } from '../enums';
import { inTransaction, missing, success, type Outcome, invalidState } from '../../kit/outcome';
import { blankText } from '../../kit/validation';
import { lockWorkOrder, setWorkOrderStatus, type WorkOrderRow } from './work-order.repository';

/** Releases a created production order for execution (CREATED → RELEASED). */
export async function releaseWorkOrder(db: Kysely<ErpDatabase>, caller: Caller, id: string): Promise<Outcome<WorkOrderRow>> {
  const bad = blankText('id', id);
  if (bad) return bad;
  return inTransaction(db, async (trx): Promise<Outcome<WorkOrderRow>> => {
    const order = await lockWorkOrder(trx, id);
    if (!order) return missing('WorkOrder', id);
    if (order.orderStatus !== ErpOrderStatus.CREATED) {
      return invalidState(`WorkOrder "${id}" is ${order.orderStatus}; only a CREATED order can be released`, order.orderStatus);
    }
    const released = await setWorkOrderStatus(trx, id, ErpOrderStatus.RELEASED);
    await recordChange(trx, {
      caller,
      operation: 'releaseWorkOrder',
      entityType: 'WorkOrder',
      entityId: id,
      before: { orderStatus: order.orderStatus },
      after: { orderStatus: released.orderStatus },
    });
    return success(released);
  });
}
