import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { servedByGateway } from '../../kit/events';
import type { MesContext } from '../context';
import { WorkCenter } from './work-center.type';

/** A work center by key, and the live field announcing its state changes (run by the gateway). */
@Resolver(() => WorkCenter)
export class WorkCenterSubscriptionResolver {
  @Query(() => WorkCenter, { nullable: true, description: 'A work center by id' })
  workCenter(@Arg('id', () => ID) id: string, @Ctx() ctx: MesContext) {
    return ctx.loaders.workCenter.load(id);
  }

  @Subscription(() => WorkCenter, {
    subscribe: servedByGateway,
    description: 'A work center of the site whose state changed, read at the moment of the change (GraphQL over WebSocket or SSE)',
  })
  workCenterStateChanged(@Arg('siteId', () => ID) _siteId: string, @Root() changed: WorkCenter) {
    return changed;
  }
}
