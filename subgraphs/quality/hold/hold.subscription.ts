import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { servedByGateway } from '../../kit/events';
import type { QualityContext } from '../context';
import { findHoldById } from './hold.repository';
import { QualityHold } from './hold.type';

/** A quality hold by key, and the live field announcing holds placed or released (run by the gateway). */
@Resolver(() => QualityHold)
export class QualityHoldSubscriptionResolver {
  @Query(() => QualityHold, { nullable: true, description: 'A quality hold by id' })
  async qualityHold(@Arg('id', () => ID) id: string, @Ctx() ctx: QualityContext) {
    return (await findHoldById(ctx.db, id)) ?? null;
  }

  @Subscription(() => QualityHold, {
    subscribe: servedByGateway,
    description: 'A quality hold of the site that was placed or released (GraphQL over WebSocket or SSE)',
  })
  qualityHoldChanged(@Arg('siteId', () => ID) _siteId: string, @Root() changed: QualityHold) {
    return changed;
  }
}
