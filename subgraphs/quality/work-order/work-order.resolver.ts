import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, readPage } from '../../kit/paging';
import type { QualityContext } from '../context';
import { WORK_ORDER_INSPECTIONS_KEYSET } from '../inspection/inspection.repository';
import { InspectionConnection } from '../inspection/inspection.type';
import { WorkOrder } from './work-order.type';

@Resolver(() => WorkOrder)
export class WorkOrderResolver {
  @FieldResolver(() => InspectionConnection, { nullable: true })
  inspections(@Root() order: { id: string }, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: QualityContext) {
    return ctx.loaders.inspectionPagesByWorkOrder(readPage(args, WORK_ORDER_INSPECTIONS_KEYSET)).load(order.id);
  }
}
