import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, readPage } from '../../kit/paging';
import type { ErpContext } from '../context';
import { SalesOrderStatus } from '../enums';
import { CUSTOMER_SALES_ORDERS_KEYSET } from '../sales-order/sales-order.repository';
import { SalesOrderConnection } from '../sales-order/sales-order.type';
import type { CustomerRow } from './customer.repository';
import { Customer } from './customer.type';

@Resolver(() => Customer)
export class CustomerResolver {
  // Nullable: ERP contributes it to CRM's Customer, so an ERP outage nulls only this field
  // (a non-null connection would null the whole customer). ERP itself always answers a connection.
  @FieldResolver(() => SalesOrderConnection, {
    nullable: true,
    description: "The customer's sales orders by requested delivery date, then number; all statuses unless given",
  })
  salesOrders(
    @Root() customer: CustomerRow,
    @Arg('status', () => [SalesOrderStatus], { nullable: true }) status: SalesOrderStatus[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: ErpContext,
  ) {
    return ctx.loaders.salesOrdersOfCustomer(status)(readPage(page, CUSTOMER_SALES_ORDERS_KEYSET)).load(customer.id);
  }
}
