import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { AS_OF_CHANGE_DESCRIPTION, entityAsOfChange, servedByGateway } from '../../kit/events';
import type { MesContext } from '../context';
import { WORK_CENTER_CHANGES, type WorkCenterRow } from './work-center.repository';
import { WorkCenter } from './work-center.type';

/** A work center by key, and the live field announcing its state changes (run by the gateway). */
@Resolver(() => WorkCenter)
export class WorkCenterSubscriptionResolver {
  @Query(() => WorkCenter, { nullable: true, description: 'A work center by id' })
  workCenter(
    @Arg('id', () => ID) id: string,
    @Arg('asOfChange', () => ID, { nullable: true, description: AS_OF_CHANGE_DESCRIPTION }) asOfChange: string | null | undefined,
    @Ctx() ctx: MesContext,
  ) {
    if (asOfChange == null) return ctx.loaders.workCenter.load(id);
    return entityAsOfChange<WorkCenterRow>(ctx.db, {
      stream: WORK_CENTER_CHANGES,
      change: asOfChange,
      type: 'WorkCenter',
      id,
      matches: (row) => row.id === id,
    });
  }

  @Subscription(() => WorkCenter, {
    subscribe: servedByGateway,
    description: 'A work center of the site whose state changed, read at the moment of the change (GraphQL over WebSocket or SSE)',
  })
  workCenterStateChanged(@Arg('siteId', () => ID) _siteId: string, @Root() changed: WorkCenter) {
    return changed;
  }
}
