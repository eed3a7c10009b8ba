import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { ErpContext } from '../context';
import { Material } from './material.type';

@Resolver(() => Material)
export class MaterialResolver {
  @Query(() => Material, { nullable: true })
  material(@Arg('id', () => ID) id: string, @Ctx() ctx: ErpContext) {
    return ctx.loaders.material.load(id);
  }
}
