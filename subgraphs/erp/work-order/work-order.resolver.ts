import { Arg, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root, Args } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import { DateScalar } from '../../kit/scalars';
import type { ErpContext } from '../context';
import { Customer } from '../customer/customer.type';
import { ErpOrderStatus } from '../enums';
import { Material } from '../material/material.type';
import { unwrap } from '../../kit/outcome';
import type { WorkOrderRow } from './work-order.repository';
import { listWorkOrders, WORK_ORDERS_KEYSET } from './work-order.repository';
import { releaseWorkOrder } from './work-order.use-cases';
import { WorkOrder, WorkOrderConnection } from './work-order.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => WorkOrder)
export class WorkOrderResolver {
  @Query(() => WorkOrder, { nullable: true })
  workOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: ErpContext) {
    return ctx.loaders.workOrder.load(id);
  }

  @Query(() => WorkOrderConnection, { description: 'Work orders of a site, by due date, then id; all statuses unless given' })
  async workOrders(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('status', () => [ErpOrderStatus], { nullable: true }) status: ErpOrderStatus[] | null,
    @Arg('dueBefore', () => DateScalar, { nullable: true }) dueBefore: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: ErpContext,
  ) {
    const checked = readPage(page, WORK_ORDERS_KEYSET);
    return toConnection(await listWorkOrders(ctx.db, { siteId, status, dueBefore }, checked), checked, WORK_ORDERS_KEYSET);
  }

  @FieldResolver(() => Material)
  material(@Root() order: WorkOrderRow, @Ctx() ctx: ErpContext) {
    return ctx.loaders.material.load(order.materialId);
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() order: WorkOrderRow, @Ctx() ctx: ErpContext) {
    return order.customerId ? ctx.loaders.customer.load(order.customerId) : null;
  }

  @Permit({ roles: ['planner'] })
  @Mutation(() => WorkOrder, { description: 'Releases a CREATED production order for execution.' })
  async releaseWorkOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: ErpContext, @Info() info: GraphQLResolveInfo) {
    return unwrap(await idempotent(ctx, info, { id }, (db) => releaseWorkOrder(db, ctx.caller, id)));
  }

  @FieldResolver(() => ChangeRecordConnection, { description: 'Changes ERP made to this order (releases), newest first' })
  changeHistory(@Root() order: WorkOrderRow, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: ErpContext) {
    return ctx.loaders.changeHistory(readPage(page, CHANGE_HISTORY_KEYSET)).load({ entityType: 'WorkOrder', entityId: order.id });
  }
}
