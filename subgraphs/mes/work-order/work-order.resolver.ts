import { Arg, Ctx, FieldResolver, Float, ID, Info, Mutation, Resolver, Root, Args } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage } from '../../kit/paging';
import type { MesContext } from '../context';
import { DispatchStatus } from '../enums';
import { unwrap } from '../../kit/outcome';
import { roundQuantity } from '../../kit/numbers';
import { PRODUCED_LOTS_KEYSET } from '../lot/lot.repository';
import { LotConnection } from '../lot/lot.type';
import { WorkCenter } from '../work-center/work-center.type';
import { dispatchWorkOrder } from './work-order.use-cases';
import type { WorkOrderRow } from './work-order.repository';
import { WorkOrder } from './work-order.type';
import { Permit } from '../../kit/authorization';

/** What MES resolves a work order from: ERP's id (and planned quantity when required) and MES's execution record. */
export interface WorkOrderParent {
  id: string;
  plannedQuantity?: number;
  /** Null for an order MES has not received. */
  execution: WorkOrderRow | null;
}

/** The parent of a work order MES reaches itself (a lot's producer, a mutation's result). */
export const workOrderParent = (row: WorkOrderRow): WorkOrderParent => ({ id: row.id, execution: row });

@Resolver(() => WorkOrder)
export class WorkOrderResolver {
  @Permit({ roles: ['planner'] })
  @Mutation(() => WorkOrder, { description: 'Dispatches a work order to a work center of its site; it becomes READY there. Audited.' })
  async dispatchWorkOrder(
    @Arg('workOrderId', () => ID) workOrderId: string,
    @Arg('workCenterId', () => ID) workCenterId: string,
    @Ctx() ctx: MesContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<WorkOrderParent> {
    const row = unwrap(
      await idempotent(ctx, info, { workOrderId, workCenterId }, (db) => dispatchWorkOrder(db, ctx.caller, workOrderId, workCenterId)),
    );
    ctx.loaders.workOrder.clear(row.id).prime(row.id, row);
    return workOrderParent(row);
  }

  @FieldResolver(() => DispatchStatus, { nullable: true })
  dispatchStatus(@Root() order: WorkOrderParent) {
    return order.execution?.dispatchStatus ?? null;
  }

  @FieldResolver(() => Float, { nullable: true })
  goodQuantity(@Root() order: WorkOrderParent) {
    return order.execution?.goodQuantity ?? null;
  }

  @FieldResolver(() => Float, { nullable: true })
  scrapQuantity(@Root() order: WorkOrderParent) {
    return order.execution?.scrapQuantity ?? null;
  }

  @FieldResolver(() => Float, { nullable: true })
  remainingQuantity(@Root() order: WorkOrderParent) {
    // The gateway sends ERP's plannedQuantity with the representation (@requires); MES keeps no copy.
    if (!order.execution || order.plannedQuantity === undefined || order.plannedQuantity === null) return null;
    return Math.max(roundQuantity(order.plannedQuantity - order.execution.goodQuantity), 0);
  }

  @FieldResolver(() => WorkCenter, { nullable: true })
  workCenter(@Root() order: WorkOrderParent, @Ctx() ctx: MesContext) {
    const id = order.execution?.workCenterId;
    return id ? ctx.loaders.workCenter.load(id) : null;
  }

  @FieldResolver(() => LotConnection, { nullable: true })
  producedLots(@Root() order: WorkOrderParent, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MesContext) {
    // Checked before the null, so that a bad page is refused whichever orders it reaches.
    const checked = readPage(page, PRODUCED_LOTS_KEYSET);
    return order.execution ? ctx.loaders.producedLots(checked).load(order.id) : null;
  }

  @FieldResolver(() => ChangeRecordConnection, { nullable: true })
  executionHistory(@Root() order: WorkOrderParent, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MesContext) {
    return ctx.loaders.changeHistory(readPage(page, CHANGE_HISTORY_KEYSET)).load({ entityType: 'WorkOrder', entityId: order.id });
  }
}
