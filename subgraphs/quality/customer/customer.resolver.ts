import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { QualityContext } from '../context';
import { NcStatus } from '../enums';
import { Nonconformance } from '../nonconformance/nonconformance.type';
import { Customer } from './customer.type';

@Resolver(() => Customer)
export class CustomerResolver {
  @FieldResolver(() => [Nonconformance], { nullable: true })
  async complaints(
    @Root() customer: { id: string },
    @Arg('status', () => [NcStatus], { nullable: true }) status: NcStatus[] | null,
    @Ctx() ctx: QualityContext,
  ) {
    // Complaints per customer are few: load them all once per customer and filter here, so
    // every status filter shares one batched statement.
    const complaints = await ctx.loaders.complaintsByCustomer.load(customer.id);
    return status ? complaints.filter((c) => (status as string[]).includes(c.status)) : complaints;
  }
}
