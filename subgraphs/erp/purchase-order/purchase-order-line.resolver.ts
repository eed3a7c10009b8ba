import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ErpContext } from '../context';
import { Lot } from '../lot/lot.type';
import { Material } from '../material/material.type';
import type { PurchaseOrderLineRow } from './purchase-order.repository';
import { PurchaseOrderLine } from './purchase-order.type';

@Resolver(() => PurchaseOrderLine)
export class PurchaseOrderLineResolver {
  @FieldResolver(() => Material)
  material(@Root() line: PurchaseOrderLineRow, @Ctx() ctx: ErpContext) {
    return ctx.loaders.material.load(line.materialId);
  }

  @FieldResolver(() => [Lot])
  async receivedLots(@Root() line: PurchaseOrderLineRow, @Ctx() ctx: ErpContext) {
    const receipts = await ctx.loaders.receiptsOfLine.load({ poNumber: line.poNumber, lineNumber: line.lineNumber });
    return receipts.map((r) => ({ id: r.lotId }));
  }
}
