import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, readPage } from '../../kit/paging';
import type { QualityContext } from '../context';
import { NcStatus } from '../enums';
import { CUSTOMER_COMPLAINTS_KEYSET } from '../nonconformance/nonconformance.repository';
import { NonconformanceConnection } from '../nonconformance/nonconformance.type';
import { Customer } from './customer.type';

@Resolver(() => Customer)
export class CustomerResolver {
  @FieldResolver(() => NonconformanceConnection, { nullable: true })
  complaints(
    @Root() customer: { id: string },
    @Arg('status', () => [NcStatus], { nullable: true }) status: NcStatus[] | null,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: QualityContext,
  ) {
    return ctx.loaders.complaintPagesByCustomer(status)(readPage(args, CUSTOMER_COMPLAINTS_KEYSET)).load(customer.id);
  }
}
