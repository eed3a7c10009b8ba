import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { servedByGateway } from '../../kit/events';
import { WorkOrder } from './work-order.type';

/** The live field announcing production reported on, or dispatch of, a work order (run by the gateway). */
@Resolver(() => WorkOrder)
export class WorkOrderSubscriptionResolver {
  @Subscription(() => WorkOrder, {
    subscribe: servedByGateway,
    description:
      'A work order of the site on which production was reported or whose dispatch status changed (GraphQL over WebSocket or SSE)',
  })
  workOrderProgressed(@Arg('siteId', () => ID) _siteId: string, @Root() changed: WorkOrder) {
    return changed;
  }
}
