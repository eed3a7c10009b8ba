import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Customer: CRM owns the relationship; ERP owns commercial and financial attributes.' })
export class Customer {
  @Field(() => ID)
  id!: string;

  @Field(() => Float, { nullable: true, description: 'Credit limit, company currency' })
  creditLimit!: number | null;
}
