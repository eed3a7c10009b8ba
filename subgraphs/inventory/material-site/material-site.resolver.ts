import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import type { InventoryContext } from '../context';
import { CountTask } from '../count-task/count-task.type';
import { AbcClass } from '../enums';
import { COUNT_DISCREPANCIES_KEYSET, pageDiscrepancies } from './material-site.repository';
import { MaterialSite, MaterialSiteConnection } from './material-site.type';
import { effectiveCount, isWithinTolerance, varianceQuantity } from './variance';
import { roundMoney } from '../../kit/numbers';

/** What inventory resolves a material-site from: its key, its profile, and ERP's values when required. */
export interface MaterialSiteParent {
  materialId: string;
  siteId: string;
  abcClass: string | null;
  binCodes: string[] | null;
  bookQuantity?: number;
  material?: { standardCost?: number | null };
}

@Resolver(() => MaterialSite)
export class MaterialSiteResolver {
  @Query(() => MaterialSiteConnection, {
    description:
      'Material-sites whose last count is unposted: out of tolerance, awaiting approval or posting (discrepancy worklist), by material id.',
  })
  async countDiscrepancies(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('abcClass', () => AbcClass, { nullable: true }) abcClass: AbcClass | null,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: InventoryContext,
  ) {
    const page = readPage(args, COUNT_DISCREPANCIES_KEYSET);
    return toConnection(await pageDiscrepancies(ctx.db, siteId, abcClass, page), page, COUNT_DISCREPANCIES_KEYSET);
  }

  @FieldResolver(() => CountTask, { nullable: true })
  lastCount(@Root() site: MaterialSiteParent, @Ctx() ctx: InventoryContext) {
    return ctx.loaders.lastCount.load(site);
  }

  @FieldResolver(() => Number, { nullable: true })
  async countVarianceQuantity(@Root() site: MaterialSiteParent, @Ctx() ctx: InventoryContext) {
    return this.variance(site, ctx);
  }

  @FieldResolver(() => Boolean, { nullable: true })
  async withinTolerance(@Root() site: MaterialSiteParent, @Ctx() ctx: InventoryContext) {
    const variance = await this.variance(site, ctx);
    if (variance === null || site.bookQuantity === undefined || !site.abcClass) return null;
    const policies = await ctx.loaders.countPolicies.load(site.siteId);
    const policy = policies.find((p) => p.abcClass === site.abcClass);
    return policy ? isWithinTolerance(variance, site.bookQuantity, policy.tolerancePercent) : null;
  }

  @FieldResolver(() => Number, { nullable: true })
  async countVarianceValue(@Root() site: MaterialSiteParent, @Ctx() ctx: InventoryContext) {
    const variance = await this.variance(site, ctx);
    const cost = site.material?.standardCost;
    if (variance === null || cost === undefined || cost === null) return null;
    return roundMoney(variance * cost);
  }

  private async variance(site: MaterialSiteParent, ctx: InventoryContext): Promise<number | null> {
    if (site.bookQuantity === undefined) return null;
    const last = await ctx.loaders.lastCount.load(site);
    return last ? varianceQuantity(effectiveCount(last), site.bookQuantity) : null;
  }
}
