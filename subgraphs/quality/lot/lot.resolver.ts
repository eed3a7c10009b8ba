import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, readPage } from '../../kit/paging';
import type { QualityContext } from '../context';
import { QualityStatus } from '../enums';
import { QualityHold } from '../hold/hold.type';
import { LOT_INSPECTIONS_KEYSET } from '../inspection/inspection.repository';
import { InspectionConnection } from '../inspection/inspection.type';
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

  @FieldResolver(() => InspectionConnection, { nullable: true })
  inspections(@Root() lot: LotParent, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: QualityContext) {
    return ctx.loaders.inspectionPagesByLot(readPage(args, LOT_INSPECTIONS_KEYSET)).load(lot.id);
  }
}
