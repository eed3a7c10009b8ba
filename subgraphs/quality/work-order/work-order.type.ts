import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { Connection } from '../../kit/paging';
import { Inspection, InspectionConnection } from '../inspection/inspection.type';

/** ERP's work order; quality contributes the inspections of its output. */
@Directive('@key(fields: "id")')
@ObjectType()
export class WorkOrder {
  @Field(() => ID)
  id!: string;

  // Nullable, as every field quality contributes to another system's entity (docs/domain.md#rule-3).
  @Field(() => InspectionConnection, { nullable: true, description: "Inspections of the order's output, oldest first" })
  inspections!: Connection<Inspection> | null;
}
