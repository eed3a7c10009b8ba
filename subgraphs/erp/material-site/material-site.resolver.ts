import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root, Args } from 'type-graphql';
import { entityKey, CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage } from '../../kit/paging';
import type { ErpContext } from '../context';
import { Material } from '../material/material.type';
import { listMaterialSites } from './material-site.repository';
import { MaterialSite } from './material-site.type';

@Resolver(() => MaterialSite)
export class MaterialSiteResolver {
  @Query(() => [MaterialSite], { description: 'Material-sites of a site, optionally only the given materials' })
  materialSites(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('materialIds', () => [ID], { nullable: true }) materialIds: string[] | null,
    @Ctx() ctx: ErpContext,
  ) {
    return listMaterialSites(ctx.db, siteId, materialIds);
  }

  @FieldResolver(() => Material)
  material(@Root() site: MaterialSite, @Ctx() ctx: ErpContext) {
    return ctx.loaders.material.load(site.materialId);
  }

  @FieldResolver(() => ChangeRecordConnection, { description: 'Postings that changed this stock (adjustments, status changes), newest first' })
  changeHistory(@Root() site: MaterialSite, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: ErpContext) {
    return ctx.loaders.changeHistory(readPage(page, CHANGE_HISTORY_KEYSET)).load({ entityType: 'MaterialSite', entityId: entityKey(site.materialId, site.siteId) });
  }
}
