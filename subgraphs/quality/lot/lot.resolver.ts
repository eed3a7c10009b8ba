import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { QualityContext } from '../context';
import { QualityStatus } from '../enums';
import { QualityHold } from '../hold/hold.type';
import { Inspection } from '../inspection/inspection.type';
import { Lot } from './lot.type';
import { qualityStatusOf } from './quality-status';

/** A lot as quality resolves it: its id is enough, every field goes through a loader. */
export interface LotParent {
  id: string;
}

@Resolver(() => Lot)
export class LotResolver {
  @FieldResolver(() => QualityStatus, { nullable: true })
  async qualityStatus(@Root() lot: LotParent, @Ctx() ctx: QualityContext) {
    const [holds, inspections] = await Promise.all([ctx.loaders.holdsByLot.load(lot.id), ctx.loaders.inspectionsByLot.load(lot.id)]);
    return qualityStatusOf(holds, inspections);
  }

  @FieldResolver(() => [QualityHold], { nullable: true })
  holds(@Root() lot: LotParent, @Ctx() ctx: QualityContext) {
    return ctx.loaders.holdsByLot.load(lot.id);
  }

  @FieldResolver(() => [Inspection], { nullable: true })
  inspections(@Root() lot: LotParent, @Ctx() ctx: QualityContext) {
    return ctx.loaders.inspectionsByLot.load(lot.id);
  }
}
