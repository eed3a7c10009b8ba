import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Inspection } from '../inspection/inspection.type';

/** ERP's work order; quality contributes the inspections of its output. */
@Directive('@key(fields: "id")')
@ObjectType()
export class WorkOrder {
  @Field(() => ID)
  id!: string;

  @Field(() => [Inspection], { nullable: true })
  inspections!: Inspection[] | null;
}
