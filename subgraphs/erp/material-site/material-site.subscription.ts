import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { AS_OF_CHANGE_DESCRIPTION, entityAsOfChange, servedByGateway } from '../../kit/events';
import type { ErpContext } from '../context';
import { STOCK_STATUS_CHANGES, type MaterialSiteRow } from './material-site.repository';
import { MaterialSite } from './material-site.type';

/** A material-site by key, and the live field announcing stock blocked or released there (run by the gateway). */
@Resolver(() => MaterialSite)
export class MaterialSiteSubscriptionResolver {
  @Query(() => MaterialSite, { nullable: true, description: 'A material-site by key' })
  materialSite(
    @Arg('materialId', () => ID) materialId: string,
    @Arg('siteId', () => ID) siteId: string,
    @Arg('asOfChange', () => ID, { nullable: true, description: AS_OF_CHANGE_DESCRIPTION }) asOfChange: string | null | undefined,
    @Ctx() ctx: ErpContext,
  ) {
    if (asOfChange == null) return ctx.loaders.materialSite.load({ materialId, siteId });
    return entityAsOfChange<MaterialSiteRow>(ctx.db, {
      stream: STOCK_STATUS_CHANGES,
      change: asOfChange,
      type: 'MaterialSite',
      id: `${materialId}@${siteId}`,
      matches: (row) => row.materialId === materialId && row.siteId === siteId,
    });
  }

  @Subscription(() => MaterialSite, {
    subscribe: servedByGateway,
    description:
      'A material-site of the site whose stock was blocked or released (a posted stock status change) (GraphQL over WebSocket or SSE)',
  })
  stockStatusChanged(@Arg('siteId', () => ID) _siteId: string, @Root() changed: MaterialSite) {
    return changed;
  }
}
