import { Arg, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root, Args } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import { unwrap } from '../../kit/outcome';
import type { CrmContext } from '../context';
import { CustomerSegment } from '../enums';
import { CUSTOMERS_KEYSET, listCustomers, type CustomerRow } from './customer.repository';
import { updateCustomerProfile } from './customer.use-cases';
import { Customer, CustomerConnection, CustomerProfileInput } from './customer.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true })
  customer(@Arg('id', () => ID) id: string, @Ctx() ctx: CrmContext) {
    return ctx.loaders.customer.load(id);
  }

  @Query(() => CustomerConnection, {
    description: 'Customers matching every given filter, by id; search matches part of the name or id, any case',
  })
  async customers(
    @Arg('segment', () => CustomerSegment, { nullable: true }) segment: CustomerSegment | null,
    @Arg('accountManager', () => String, { nullable: true }) accountManager: string | null,
    @Arg('search', () => String, { nullable: true }) search: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: CrmContext,
  ) {
    const checked = readPage(page, CUSTOMERS_KEYSET);
    return toConnection(
      await listCustomers(ctx.db, { segment, accountManager, search: search?.trim() || null }, checked),
      checked,
      CUSTOMERS_KEYSET,
    );
  }

  @Permit({ roles: ['sales'] })
  @Mutation(() => Customer, { description: "Changes a customer's profile; every change leaves an audit-trail row" })
  async updateCustomerProfile(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => CustomerProfileInput) input: CustomerProfileInput,
    @Ctx() ctx: CrmContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { id, input }, (db) => updateCustomerProfile(db, ctx.caller, id, input)));
  }

  @FieldResolver(() => ChangeRecordConnection, { description: 'Profile changes, newest first' })
  changeHistory(@Root() customer: CustomerRow, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: CrmContext) {
    return ctx.loaders.changeHistory(readPage(page, CHANGE_HISTORY_KEYSET)).load({ entityType: 'Customer', entityId: customer.id });
  }
}
