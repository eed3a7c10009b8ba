import { Arg, Args, Ctx, FieldResolver, Float, ID, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, readPage } from '../../kit/paging';
import type { ErpContext } from '../context';
import { PurchaseOrderStatus } from '../enums';
import { SUPPLIER_PURCHASE_ORDERS_KEYSET } from '../purchase-order/purchase-order.repository';
import { PurchaseOrderConnection } from '../purchase-order/purchase-order.type';
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

  @FieldResolver(() => PurchaseOrderConnection, { description: 'Purchase orders to this supplier, by number; all statuses unless given' })
  purchaseOrders(
    @Root() supplier: SupplierRow,
    @Arg('status', () => [PurchaseOrderStatus], { nullable: true }) status: PurchaseOrderStatus[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: ErpContext,
  ) {
    return ctx.loaders.purchaseOrdersOfSupplier(status)(readPage(page, SUPPLIER_PURCHASE_ORDERS_KEYSET)).load(supplier.id);
  }
}
