import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { AS_OF_CHANGE_DESCRIPTION, entityAsOfChange, servedByGateway } from '../../kit/events';
import type { InventoryContext } from '../context';
import { COUNT_TASK_CHANGES, type CountTaskRow } from './count-task.repository';
import { CountTask } from './count-task.type';

/** A count task by key, and the live field announcing each change of its status (run by the gateway). */
@Resolver(() => CountTask)
export class CountTaskSubscriptionResolver {
  @Query(() => CountTask, { nullable: true, description: 'A count task by id' })
  countTask(
    @Arg('id', () => ID) id: string,
    @Arg('asOfChange', () => ID, { nullable: true, description: AS_OF_CHANGE_DESCRIPTION }) asOfChange: string | null | undefined,
    @Ctx() ctx: InventoryContext,
  ) {
    if (asOfChange == null) return ctx.loaders.countTask.load(id);
    return entityAsOfChange<CountTaskRow>(ctx.db, {
      stream: COUNT_TASK_CHANGES,
      change: asOfChange,
      type: 'CountTask',
      id,
      matches: (row) => row.id === id,
    });
  }

  @Subscription(() => CountTask, {
    subscribe: servedByGateway,
    description:
      'A count task of the site whose status changed (COUNTED, RECOUNT_REQUIRED, PENDING_APPROVAL, APPROVED, POSTED, REJECTED) (GraphQL over WebSocket or SSE)',
  })
  countTaskChanged(@Arg('siteId', () => ID) _siteId: string, @Root() changed: CountTask) {
    return changed;
  }
}
