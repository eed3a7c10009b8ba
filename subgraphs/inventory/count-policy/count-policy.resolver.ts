import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { InventoryContext } from '../context';
import { CountPolicy } from './count-policy.type';

@Resolver(() => CountPolicy)
export class CountPolicyResolver {
  @Query(() => [CountPolicy])
  countPolicies(@Arg('siteId', () => ID) siteId: string, @Ctx() ctx: InventoryContext) {
    return ctx.loaders.countPolicies.load(siteId);
  }
}
