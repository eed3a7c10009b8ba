import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
import { DateTimeScalar } from '../../kit/scalars';
import { InspectionStatus, InspectionType, UsageDecision } from '../enums';
import { Lot } from '../lot/lot.type';
import { WorkOrder } from '../work-order/work-order.type';
import { Measurement } from './measurement.type';

@Directive('@tag(name: "partner")')
@ObjectType({ description: 'Inspection lot (ISA-95 TestResult against a TestSpecification). Value type: only quality references it.' })
export class Inspection {
  @Field(() => ID)
  id!: string;

  @Field(() => InspectionType)
  inspectionType!: InspectionType;

  @Field(() => Lot)
  lot!: Lot;

  @Field(() => InspectionStatus)
  status!: InspectionStatus;

  @Field(() => UsageDecision, { nullable: true, description: 'Null until decided' })
  usageDecision!: UsageDecision | null;

  @Field(() => [Measurement])
  measurements!: Measurement[];

  @Field(() => WorkOrder, { nullable: true, description: 'The work order whose output is inspected (in-process and final inspections)' })
  workOrder!: WorkOrder | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  decidedAt!: Date | null;
}

/** A page of inspections; partners read it on `Lot.inspections` (its types are tagged in schema.ts). */
export const InspectionConnection = connectionOf(Inspection, 'Inspection');
