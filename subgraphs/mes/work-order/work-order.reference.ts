import type { MesContext } from '../context';
import type { WorkOrderParent } from './work-order.resolver';

/**
 * Resolves ERP's work order with MES's execution record, keeping ERP's `plannedQuantity` from the
 * representation; an order MES has not received yet resolves with its MES fields null.
 */
export async function resolveWorkOrder(ref: { id: string; plannedQuantity?: number }, ctx: MesContext): Promise<WorkOrderParent> {
  const row = await ctx.loaders.workOrder.load(ref.id);
  return { id: ref.id, plannedQuantity: ref.plannedQuantity, execution: row };
}

/** Entity resolution of ERP's work orders with MES's execution fields. */
export const workOrderReference = { __resolveReference: resolveWorkOrder };
