import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { Connection } from '../../kit/paging';
import { Nonconformance, NonconformanceConnection } from '../nonconformance/nonconformance.type';

/** CRM's customer; quality contributes the complaints it received. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Customer {
  @Field(() => ID)
  id!: string;

  // Nullable, as every field quality contributes to another system's entity (docs/domain.md#rule-3).
  @Field(() => NonconformanceConnection, { nullable: true, description: 'Nonconformances with source CUSTOMER_COMPLAINT, newest first' })
  complaints!: Connection<Nonconformance> | null;
}
