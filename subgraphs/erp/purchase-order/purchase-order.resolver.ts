import { Arg, Ctx, Directive, FieldResolver, ID, Info, Mutation, Query, Resolver, Root, Args } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage } from '../../kit/paging';
import { DateScalar } from '../../kit/scalars';
import type { ErpContext } from '../context';
import { PurchaseOrderStatus } from '../enums';
import { unwrap } from '../../kit/outcome';
import type { PurchaseOrderRow } from './purchase-order.repository';
import { callerSupplier, confirmPurchaseOrderLine } from './purchase-order.service';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => PurchaseOrder)
export class PurchaseOrderResolver {
  @Directive('@tag(name: "partner")')
  @Query(() => [PurchaseOrder], {
    description: "Partner view: POs of the supplier bound to the caller's token (claim supplier_id); row-filtered in ERP.",
  })
  myPurchaseOrders(
    @Arg('status', () => [PurchaseOrderStatus], { nullable: true }) status: PurchaseOrderStatus[] | null,
    @Ctx() ctx: ErpContext,
  ) {
    const supplierId = unwrap(callerSupplier(ctx.caller));
    return ctx.loaders.purchaseOrdersOfSupplier.load({ id: supplierId, statuses: status });
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
