import { Arg, Ctx, FieldResolver, Info, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import type { ErpContext } from '../context';
import { MaterialSite } from '../material-site/material-site.type';
import { unwrap } from '../../kit/outcome';
import type { StockStatusChangeRow } from './stock-status-change.repository';
import { changeStockStatus } from './stock-status-change.use-cases';
import { StockStatusChange, StockStatusChangeInput } from './stock-status-change.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => StockStatusChange)
export class StockStatusChangeResolver {
  @Permit({ roles: ['quality-relay'] })
  @Mutation(() => StockStatusChange, {
    description:
      'Moves lot stock between stock statuses when quality places or releases a hold (SAP 344/343); idempotent on sourceHoldId and toStatus.',
  })
  async changeStockStatus(
    @Arg('input', () => StockStatusChangeInput) input: StockStatusChangeInput,
    @Ctx() ctx: ErpContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { input }, (db) => changeStockStatus(db, ctx.caller, input)));
  }

  @FieldResolver(() => MaterialSite)
  materialSite(@Root() change: StockStatusChangeRow, @Ctx() ctx: ErpContext) {
    return ctx.loaders.materialSite.load({ materialId: change.materialId, siteId: change.siteId });
  }
}
