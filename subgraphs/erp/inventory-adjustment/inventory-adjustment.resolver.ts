import { Arg, Ctx, FieldResolver, Info, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import type { ErpContext } from '../context';
import { MaterialSite } from '../material-site/material-site.type';
import { unwrap } from '../../kit/outcome';
import type { InventoryAdjustmentRow } from './inventory-adjustment.repository';
import { postInventoryAdjustment } from './inventory-adjustment.use-cases';
import { InventoryAdjustment, InventoryAdjustmentInput } from './inventory-adjustment.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => InventoryAdjustment)
export class InventoryAdjustmentResolver {
  @Permit({ roles: ['inventory-relay'] })
  @Mutation(() => InventoryAdjustment, {
    description: 'Posts an approved cycle count as an inventory adjustment (SAP MI07 / movement 701/702); idempotent on sourceCountTaskId.',
  })
  async postInventoryAdjustment(
    @Arg('input', () => InventoryAdjustmentInput) input: InventoryAdjustmentInput,
    @Ctx() ctx: ErpContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { input }, (db) => postInventoryAdjustment(db, ctx.caller, input)));
  }

  @FieldResolver(() => MaterialSite)
  materialSite(@Root() adjustment: InventoryAdjustmentRow, @Ctx() ctx: ErpContext) {
    return ctx.loaders.materialSite.load({ materialId: adjustment.materialId, siteId: adjustment.siteId });
  }
}
