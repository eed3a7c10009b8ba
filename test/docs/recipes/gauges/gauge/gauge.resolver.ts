import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GaugesContext } from '../context';
import { Gauge } from './gauge.type';

@Resolver(() => Gauge)
export class GaugeResolver {
  @Query(() => Gauge, { nullable: true })
  gauge(@Arg('id', () => ID) id: string, @Ctx() ctx: GaugesContext) {
    return ctx.loaders.gauge.load(id);
  }
}
