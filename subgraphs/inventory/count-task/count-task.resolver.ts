import { Arg, Args, Ctx, FieldResolver, Float, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { unwrap } from '../../kit/outcome';
import { CommandDelivery } from '../../kit/outbox/outbox.type';
import { DateScalar } from '../../kit/scalars';
import type { InventoryContext } from '../context';
import { CountStatus } from '../enums';
import { resolveMaterialSite } from '../material-site/material-site.reference';
import { MaterialSite } from '../material-site/material-site.type';
import { countTaskSubject } from './count-task.handoff';
import { COUNT_TASKS_KEYSET, pageCountTasks, type CountTaskRow } from './count-task.repository';
import { CountTask, CountTaskConnection } from './count-task.type';
import * as workflow from './count-task.use-cases';
import { Permit } from '../../kit/authorization';
import { PageArgs, readPage, toConnection } from '../../kit/paging';

@Resolver(() => CountTask)
export class CountTaskResolver {
  @Query(() => CountTaskConnection, { description: 'Count tasks of a site, by scheduled date, then id' })
  async countTasks(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('status', () => [CountStatus], { nullable: true }) status: CountStatus[] | null,
    @Arg('scheduledFor', () => DateScalar, { nullable: true }) scheduledFor: string | null,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: InventoryContext,
  ) {
    const page = readPage(args, COUNT_TASKS_KEYSET);
    return toConnection(await pageCountTasks(ctx.db, { siteId, status, scheduledFor }, page), page, COUNT_TASKS_KEYSET);
  }

  @Permit({ roles: ['planner', 'inventory-controller'] })
  @Mutation(() => [CountTask], {
    description:
      'Schedules the counts due at the site on the date under its ABC policy (idempotent) and returns the tasks scheduled for that date',
  })
  async scheduleCycleCounts(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('date', () => DateScalar) date: string,
    @Ctx() ctx: InventoryContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { siteId, date }, (db) => workflow.scheduleCycleCounts(db, siteId, date)));
  }

  @Permit({ roles: ['counter'] })
  @Mutation(() => CountTask, {
    description:
      "Records a first count (COUNTED); judged against ERP's book it becomes RECOUNT_REQUIRED (outside tolerance) or PENDING_APPROVAL",
  })
  async submitCount(
    @Arg('taskId', () => ID) taskId: string,
    @Arg('countedQuantity', () => Float) countedQuantity: number,
    @Arg('countedBy', () => String) countedBy: string,
    @Ctx() ctx: InventoryContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(
      await idempotent(ctx, info, { taskId, countedQuantity, countedBy }, (db) =>
        workflow.submitCount(db, taskId, countedQuantity, countedBy),
      ),
    );
  }

  @Permit({ roles: ['counter'] })
  @Mutation(() => CountTask, { description: 'Records the recount of a count outside tolerance; the task then awaits approval' })
  async submitRecount(
    @Arg('taskId', () => ID) taskId: string,
    @Arg('quantity', () => Float) quantity: number,
    @Arg('countedBy', () => String) countedBy: string,
    @Ctx() ctx: InventoryContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(
      await idempotent(ctx, info, { taskId, quantity, countedBy }, (db) => workflow.submitRecount(db, taskId, quantity, countedBy)),
    );
  }

  @Permit({ roles: ['inventory-controller'] })
  @Mutation(() => CountTask, {
    description:
      "Approves (APPROVED) and sends erp.postInventoryAdjustment(counted - book) through the outbox; POSTED with ERP's document number once ERP has posted it",
  })
  async approveCount(
    @Arg('taskId', () => ID) taskId: string,
    @Arg('approver', () => String) approver: string,
    @Ctx() ctx: InventoryContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { taskId, approver }, (db) => workflow.approveCount(db, taskId, approver)));
  }

  @Permit({ roles: ['inventory-controller'] })
  @Mutation(() => CountTask, { description: 'Rejects a count that is not approved yet; the material becomes due again' })
  async rejectCount(
    @Arg('taskId', () => ID) taskId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: InventoryContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { taskId, reason }, (db) => workflow.rejectCount(db, taskId, reason)));
  }

  @FieldResolver(() => MaterialSite)
  materialSite(@Root() task: CountTaskRow, @Ctx() ctx: InventoryContext) {
    return resolveMaterialSite({ materialId: task.materialId, siteId: task.siteId }, ctx);
  }

  @FieldResolver(() => CommandDelivery, { nullable: true })
  delivery(@Root() task: CountTaskRow, @Ctx() ctx: InventoryContext) {
    return ctx.loaders.delivery.load(countTaskSubject(task.id));
  }
}
