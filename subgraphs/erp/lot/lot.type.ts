import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Customer } from '../customer/customer.type';
import { Supplier } from '../supplier/supplier.type';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Lot/batch: MES owns it; ERP contributes procurement and delivery facts.' })
export class Lot {
  @Field(() => ID)
  id!: string;

  @Field(() => Supplier, { nullable: true, description: 'From the goods receipt (received lots only)' })
  supplier!: Supplier | null;

  @Field(() => [Customer], { nullable: true, description: 'Customers the lot was delivered to (outbound deliveries); internal only' })
  shippedTo!: Customer[] | null;
}
