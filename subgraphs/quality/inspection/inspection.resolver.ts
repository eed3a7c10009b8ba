import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { unwrap } from '../../kit/outcome';
import type { QualityContext } from '../context';
import { InspectionStatus, InspectionType, UsageDecision } from '../enums';
import { WorkOrder } from '../work-order/work-order.type';
import { Lot } from '../lot/lot.type';
import { makeUsageDecision, recordMeasurements } from './inspection.use-cases';
import { INSPECTIONS_KEYSET, pageInspections, type InspectionRow } from './inspection.repository';
import { Inspection, InspectionConnection } from './inspection.type';
import { MeasurementInput } from './measurement.input';
import { Measurement } from './measurement.type';
import { Permit } from '../../kit/authorization';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import { inspectionOfPage } from '../timestamp-page';

@Resolver(() => Inspection)
export class InspectionResolver {
  @Query(() => Inspection, { nullable: true })
  inspection(@Arg('id', () => ID) id: string, @Ctx() ctx: QualityContext) {
    return ctx.loaders.inspection.load(id);
  }

  @Query(() => InspectionConnection, { description: 'Inspection lots of a site, oldest first (by when opened, then number)' })
  async inspections(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('status', () => [InspectionStatus], { nullable: true }) status: InspectionStatus[] | null,
    @Arg('type', () => InspectionType, { nullable: true }) type: InspectionType | null,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: QualityContext,
  ) {
    const page = readPage(args, INSPECTIONS_KEYSET);
    return toConnection(await pageInspections(ctx.db, { siteId, status, type }, page), page, INSPECTIONS_KEYSET, inspectionOfPage);
  }

  @FieldResolver(() => Lot)
  lot(@Root() inspection: InspectionRow) {
    return { id: inspection.lotId };
  }

  @FieldResolver(() => [Measurement])
  measurements(@Root() inspection: InspectionRow, @Ctx() ctx: QualityContext) {
    return ctx.loaders.measurementsByInspection.load(inspection.id);
  }

  @FieldResolver(() => WorkOrder, { nullable: true })
  workOrder(@Root() inspection: InspectionRow) {
    return inspection.workOrderId ? { id: inspection.workOrderId } : null;
  }

  @Permit({ roles: ['quality'] })
  @Mutation(() => Inspection, { description: 'Records results; conformance is computed from the plan characteristic limits' })
  async recordMeasurements(
    @Arg('inspectionId', () => ID) inspectionId: string,
    @Arg('measurements', () => [MeasurementInput]) measurements: MeasurementInput[],
    @Ctx() ctx: QualityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { inspectionId, measurements }, (db) => recordMeasurements(db, inspectionId, measurements)));
  }

  @Permit({ roles: ['quality'] })
  @Mutation(() => Inspection, {
    description: 'REJECT places a hold, opens an NCR and calls erp.changeStockStatus(BLOCKED) through the outbox.',
  })
  async makeUsageDecision(
    @Arg('inspectionId', () => ID) inspectionId: string,
    @Arg('decision', () => UsageDecision) decision: UsageDecision,
    @Ctx() ctx: QualityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { inspectionId, decision }, (db) => makeUsageDecision(db, inspectionId, decision)));
  }
}
