import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { AS_OF_CHANGE_DESCRIPTION, entityAsOfChange, servedByGateway } from '../../kit/events';
import type { QualityContext } from '../context';
import { findHoldById, HOLD_CHANGES, type HoldRow } from './hold.repository';
import { QualityHold } from './hold.type';

/** A quality hold by key, and the live field announcing holds placed or released (run by the gateway). */
@Resolver(() => QualityHold)
export class QualityHoldSubscriptionResolver {
  @Query(() => QualityHold, { nullable: true, description: 'A quality hold by id' })
  async qualityHold(
    @Arg('id', () => ID) id: string,
    @Arg('asOfChange', () => ID, { nullable: true, description: AS_OF_CHANGE_DESCRIPTION }) asOfChange: string | null | undefined,
    @Ctx() ctx: QualityContext,
  ) {
    if (asOfChange == null) return (await findHoldById(ctx.db, id)) ?? null;
    return entityAsOfChange<HoldRow>(ctx.db, {
      stream: HOLD_CHANGES,
      change: asOfChange,
      type: 'QualityHold',
      id,
      matches: (row) => row.id === id,
    });
  }

  @Subscription(() => QualityHold, {
    subscribe: servedByGateway,
    description: 'A quality hold of the site that was placed or released (GraphQL over WebSocket or SSE)',
  })
  qualityHoldChanged(@Arg('siteId', () => ID) _siteId: string, @Root() changed: QualityHold) {
    return changed;
  }
}
