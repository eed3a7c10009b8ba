import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { QualityContext } from '../context';
import { QualityHold } from '../hold/hold.type';
import { Material } from './material.type';

@Resolver(() => Material)
export class MaterialResolver {
  @FieldResolver(() => [QualityHold], { nullable: true })
  activeHolds(@Root() material: { id: string }, @Ctx() ctx: QualityContext) {
    return ctx.loaders.activeHoldsByMaterial.load(material.id);
  }
}
