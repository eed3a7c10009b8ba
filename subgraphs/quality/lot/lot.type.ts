import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { QualityStatus } from '../enums';
import { QualityHold } from '../hold/hold.type';
import type { Connection } from '../../kit/paging';
import { Inspection, InspectionConnection } from '../inspection/inspection.type';

/** MES's lot, with what quality knows of it; every field quality adds is nullable (docs/domain.md#rule-3). */
@Directive('@key(fields: "id")')
@ObjectType()
export class Lot {
  @Field(() => ID)
  id!: string;

  @Directive('@tag(name: "partner")')
  @Field(() => QualityStatus, {
    nullable: true,
    description:
      'ON_HOLD while a hold is open; PENDING_INSPECTION while an inspection awaits its decision; REJECTED after a rejection not yet released; RELEASED otherwise',
  })
  qualityStatus!: QualityStatus | null;

  @Field(() => [QualityHold], { nullable: true, description: 'Every hold placed on the lot, open and released' })
  holds!: QualityHold[] | null;

  @Directive('@tag(name: "partner")')
  @Field(() => InspectionConnection, { nullable: true, description: 'Inspections of the lot, oldest first' })
  inspections!: Connection<Inspection> | null;
}
