import { Arg, Ctx, FieldResolver, Float, ID, Query, Resolver, Root } from 'type-graphql';
import type { ErpContext } from '../context';
import { PurchaseOrderStatus } from '../enums';
import { PurchaseOrder } from '../purchase-order/purchase-order.type';
import type { SupplierRow } from './supplier.repository';
import { Supplier } from './supplier.type';

@Resolver(() => Supplier)
export class SupplierResolver {
  @Query(() => Supplier, { nullable: true })
  supplier(@Arg('id', () => ID) id: string, @Ctx() ctx: ErpContext) {
    return ctx.loaders.supplier.load(id);
  }

  @FieldResolver(() => Float)
  receivedQuantity12m(@Root() supplier: SupplierRow, @Ctx() ctx: ErpContext) {
    return ctx.loaders.receivedQuantity12m.load(supplier.id);
  }

  @FieldResolver(() => [PurchaseOrder], { description: 'Purchase orders to this supplier, by number; all statuses unless given' })
  purchaseOrders(
    @Root() supplier: SupplierRow,
    @Arg('status', () => [PurchaseOrderStatus], { nullable: true }) status: PurchaseOrderStatus[] | null,
    @Ctx() ctx: ErpContext,
  ) {
    return ctx.loaders.purchaseOrdersOfSupplier.load({ id: supplier.id, statuses: status });
  }
}
