import { Arg, Ctx, Directive, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { AS_OF_CHANGE_DESCRIPTION, entityAsOfChange, servedByGateway } from '../../kit/events';
import { unwrap } from '../../kit/outcome';
import type { ErpContext } from '../context';
import { findPurchaseOrderByNumber, PURCHASE_ORDER_CHANGES, type PurchaseOrderRow } from './purchase-order.repository';
import { PurchaseOrder } from './purchase-order.type';
import { readableBy } from './purchase-order.use-cases';

/**
 * A purchase order by number, and the live field announcing delivery dates confirmed on the orders
 * of a supplier (run by the gateway). Both are in the partner contract: a supplier follows its own
 * orders, and the row rule (`readableBy`) answers any other order with FORBIDDEN.
 */
@Resolver(() => PurchaseOrder)
export class PurchaseOrderSubscriptionResolver {
  @Directive('@tag(name: "partner")')
  @Query(() => PurchaseOrder, {
    nullable: true,
    description: 'A purchase order by number; a caller bound to a supplier reads only its own (row-filtered in ERP)',
  })
  async purchaseOrder(
    @Arg('number', () => ID) number: string,
    @Arg('asOfChange', () => ID, { nullable: true, description: AS_OF_CHANGE_DESCRIPTION }) asOfChange: string | null | undefined,
    @Ctx() ctx: ErpContext,
  ) {
    const order =
      asOfChange == null
        ? await findPurchaseOrderByNumber(ctx.db, number)
        : await entityAsOfChange<PurchaseOrderRow>(ctx.db, {
            stream: PURCHASE_ORDER_CHANGES,
            change: asOfChange,
            type: 'PurchaseOrder',
            id: number,
            matches: (row) => row.number === number,
          });
    return order ? unwrap(readableBy(ctx.caller, order)) : null;
  }

  @Directive('@tag(name: "partner")')
  @Subscription(() => PurchaseOrder, {
    subscribe: servedByGateway,
    description:
      'A purchase order of the supplier on which a delivery date was confirmed; a caller bound to a supplier subscribes to its own (GraphQL over WebSocket or SSE)',
  })
  purchaseOrderChanged(@Arg('supplierId', () => ID) _supplierId: string, @Root() changed: PurchaseOrder) {
    return changed;
  }
}
