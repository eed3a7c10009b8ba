import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ErpContext } from '../context';
import { SalesOrderStatus } from '../enums';
import { SalesOrder } from '../sales-order/sales-order.type';
import type { CustomerRow } from './customer.repository';
import { Customer } from './customer.type';

@Resolver(() => Customer)
export class CustomerResolver {
  // Nullable: ERP contributes it to CRM's Customer, so an ERP outage nulls only this field.
  @FieldResolver(() => [SalesOrder], {
    nullable: true,
    description: "The customer's sales orders by requested delivery date; all statuses unless given",
  })
  salesOrders(
    @Root() customer: CustomerRow,
    @Arg('status', () => [SalesOrderStatus], { nullable: true }) status: SalesOrderStatus[] | null,
    @Ctx() ctx: ErpContext,
  ) {
    return ctx.loaders.salesOrdersOfCustomer.load({ id: customer.id, statuses: status });
  }
}
