import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Customer: CRM owns the relationship; ERP owns commercial and financial attributes.' })
export class Customer {
  @Field(() => ID)
  id!: string;

  @Directive('@authorized(roles: ["finance"], scopes: ["finance:read"])')
  @Field(() => Float, { nullable: true, description: 'Credit limit, company currency' })
  creditLimit!: number | null;
}
