import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { DateScalar } from '../../kit/scalars';
import type { InventoryContext } from '../context';
import { CountStatus } from '../enums';
import { resolveMaterialSite } from '../material-site/material-site.reference';
import { MaterialSite } from '../material-site/material-site.type';
import { listCountTasks, type CountTaskRow } from './count-task.repository';
import { CountTask } from './count-task.type';

@Resolver(() => CountTask)
export class CountTaskResolver {
  @Query(() => [CountTask])
  countTasks(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('status', () => [CountStatus], { nullable: true }) status: CountStatus[] | null,
    @Arg('scheduledFor', () => DateScalar, { nullable: true }) scheduledFor: string | null,
    @Ctx() ctx: InventoryContext,
  ) {
    return listCountTasks(ctx.db, { siteId, status, scheduledFor });
  }

  @FieldResolver(() => MaterialSite)
  materialSite(@Root() task: CountTaskRow, @Ctx() ctx: InventoryContext) {
    return resolveMaterialSite({ materialId: task.materialId, siteId: task.siteId }, ctx);
  }
}
