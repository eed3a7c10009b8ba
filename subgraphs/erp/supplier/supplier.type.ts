import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Vendor master; ERP owns it. Quality contributes the scorecard.' })
export class Supplier {
  @Field(() => ID, { description: 'Supplier number, e.g. V00001' })
  id!: string;

  @Directive('@tag(name: "partner")')
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country of the supplier' })
  countryCode!: string;

  @Field(() => Float, { description: 'Quantity received on goods receipts in the trailing 12 months, base units' })
  receivedQuantity12m!: number;
}
