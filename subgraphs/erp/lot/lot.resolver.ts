import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ErpContext } from '../context';
import { Customer } from '../customer/customer.type';
import { Supplier } from '../supplier/supplier.type';
import { Lot } from './lot.type';

@Resolver(() => Lot)
export class LotResolver {
  @FieldResolver(() => Supplier, { nullable: true })
  async supplier(@Root() lot: { id: string }, @Ctx() ctx: ErpContext) {
    const receipt = await ctx.loaders.supplierOfLot.load(lot.id);
    return receipt ? ctx.loaders.supplier.load(receipt.supplierId) : null;
  }

  @FieldResolver(() => [Customer], { nullable: true })
  async shippedTo(@Root() lot: { id: string }, @Ctx() ctx: ErpContext) {
    const deliveries = await ctx.loaders.customersOfLot.load(lot.id);
    const customers = await ctx.loaders.customer.loadMany(deliveries.map((d) => d.customerId));
    return customers.filter((c): c is NonNullable<typeof c> & { id: string } => c !== null && !(c instanceof Error));
  }
}
