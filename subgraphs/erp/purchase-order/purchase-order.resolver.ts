import { Arg, Ctx, Directive, FieldResolver, ID, Info, Mutation, Query, Resolver, Root, Args } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import { DateScalar } from '../../kit/scalars';
import type { ErpContext } from '../context';
import { PurchaseOrderStatus } from '../enums';
import { unwrap } from '../../kit/outcome';
import { listPurchaseOrdersOfSupplier, MY_PURCHASE_ORDERS_KEYSET, type PurchaseOrderRow } from './purchase-order.repository';
import { callerSupplier, confirmPurchaseOrderLine } from './purchase-order.use-cases';
import { PurchaseOrder, PurchaseOrderConnection, PurchaseOrderLine } from './purchase-order.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => PurchaseOrder)
export class PurchaseOrderResolver {
  @Directive('@tag(name: "partner")')
  @Query(() => PurchaseOrderConnection, {
    description: "Partner view: POs of the supplier bound to the caller's token (claim supplier_id), by number; row-filtered in ERP.",
  })
  async myPurchaseOrders(
    @Arg('status', () => [PurchaseOrderStatus], { nullable: true }) status: PurchaseOrderStatus[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: ErpContext,
  ) {
    const supplierId = unwrap(callerSupplier(ctx.caller));
    const checked = readPage(page, MY_PURCHASE_ORDERS_KEYSET);
    return toConnection(await listPurchaseOrdersOfSupplier(ctx.db, supplierId, status, checked), checked, MY_PURCHASE_ORDERS_KEYSET);
  }

  @Directive('@tag(name: "partner")')
  @Permit({ roles: ['buyer'], scopes: ['partner:supplier'] })
  @Mutation(() => PurchaseOrder, { description: 'Supplier confirms a delivery date on its own PO line.' })
  async confirmPurchaseOrderLine(
    @Arg('poNumber', () => ID) poNumber: string,
    @Arg('materialId', () => ID) materialId: string,
    @Arg('promisedDate', () => DateScalar) promisedDate: string,
    @Ctx() ctx: ErpContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const command = { poNumber, materialId, promisedDate };
    return unwrap(await idempotent(ctx, info, command, (db) => confirmPurchaseOrderLine(db, ctx.caller, command)));
  }

  @FieldResolver(() => [PurchaseOrderLine])
  lines(@Root() order: PurchaseOrderRow, @Ctx() ctx: ErpContext) {
    return ctx.loaders.purchaseOrderLines.load(order.number);
  }

  @FieldResolver(() => ChangeRecordConnection, { description: 'Changes made to this order (confirmed dates), newest first' })
  changeHistory(@Root() order: PurchaseOrderRow, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: ErpContext) {
    return ctx.loaders.changeHistory(readPage(page, CHANGE_HISTORY_KEYSET)).load({ entityType: 'PurchaseOrder', entityId: order.number });
  }
}
