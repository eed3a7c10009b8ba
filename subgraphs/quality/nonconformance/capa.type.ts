import { Field, ObjectType } from 'type-graphql';
import { DateScalar } from '../../kit/scalars';
import { CapaStatus } from '../enums';

@ObjectType({ description: 'Corrective and preventive action of a nonconformance.' })
export class Capa {
  @Field(() => String, { nullable: true })
  rootCause!: string | null;

  @Field(() => String)
  correctiveAction!: string;

  @Field(() => DateScalar)
  dueDate!: string;

  @Field(() => CapaStatus)
  status!: CapaStatus;
}
