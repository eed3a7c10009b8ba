import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root, Args } from 'type-graphql';
import { entityKey, CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import type { ErpContext } from '../context';
import { Material } from '../material/material.type';
import { listMaterialSites, MATERIAL_SITES_KEYSET } from './material-site.repository';
import { MaterialSite, MaterialSiteConnection } from './material-site.type';

@Resolver(() => MaterialSite)
export class MaterialSiteResolver {
  @Query(() => MaterialSiteConnection, { description: 'Material-sites of a site, optionally only the given materials, by material id' })
  async materialSites(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('materialIds', () => [ID], { nullable: true }) materialIds: string[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: ErpContext,
  ) {
    const checked = readPage(page, MATERIAL_SITES_KEYSET);
    return toConnection(await listMaterialSites(ctx.db, siteId, materialIds, checked), checked, MATERIAL_SITES_KEYSET);
  }

  @FieldResolver(() => Material)
  material(@Root() site: MaterialSite, @Ctx() ctx: ErpContext) {
    return ctx.loaders.material.load(site.materialId);
  }

  @FieldResolver(() => ChangeRecordConnection, {
    description: 'Postings that changed this stock (adjustments, status changes), newest first',
  })
  changeHistory(@Root() site: MaterialSite, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: ErpContext) {
    return ctx.loaders
      .changeHistory(readPage(page, CHANGE_HISTORY_KEYSET))
      .load({ entityType: 'MaterialSite', entityId: entityKey(site.materialId, site.siteId) });
  }
}
