import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Nonconformance } from '../nonconformance/nonconformance.type';

/** CRM's customer; quality contributes the complaints it received. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Customer {
  @Field(() => ID)
  id!: string;

  @Field(() => [Nonconformance], { nullable: true, description: 'Nonconformances with source CUSTOMER_COMPLAINT, newest first' })
  complaints!: Nonconformance[] | null;
}
