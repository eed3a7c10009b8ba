import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { QualityContext } from '../context';
import { Inspection } from '../inspection/inspection.type';
import { WorkOrder } from './work-order.type';

@Resolver(() => WorkOrder)
export class WorkOrderResolver {
  @FieldResolver(() => [Inspection], { nullable: true })
  inspections(@Root() order: { id: string }, @Ctx() ctx: QualityContext) {
    return ctx.loaders.inspectionsByWorkOrder.load(order.id);
  }
}
