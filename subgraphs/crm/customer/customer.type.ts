import { Directive, Field, ID, InputType, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
import { CustomerSegment } from '../enums';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Customer account. CRM owns identity-facing and relationship attributes (MDM golden id shared with ERP).' })
export class Customer {
  @Field(() => ID, { description: 'Customer number, e.g. C00001' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => CustomerSegment)
  segment!: CustomerSegment;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2' })
  countryCode!: string;

  @Field(() => String)
  accountManager!: string;

  @Field(() => String, { nullable: true })
  primaryContactName!: string | null;
}

export const CustomerConnection = connectionOf(Customer, 'Customer');

@InputType({ description: 'The profile attributes to change; omitted fields stay as they are' })
export class CustomerProfileInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => CustomerSegment, { nullable: true })
  segment?: CustomerSegment | null;

  @Field(() => String, { nullable: true })
  accountManager?: string | null;

  @Field(() => String, { nullable: true, description: 'null clears it' })
  primaryContactName?: string | null;
}
