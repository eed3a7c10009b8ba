import { Field, ID, ObjectType } from 'type-graphql';
import { DateScalar } from '../../kit/scalars';
import { SalesOrderStatus } from '../enums';

@ObjectType({ description: 'A customer sales order in ERP' })
export class SalesOrder {
  @Field(() => ID)
  number!: string;

  @Field(() => SalesOrderStatus)
  status!: SalesOrderStatus;

  @Field(() => DateScalar)
  orderDate!: string;

  @Field(() => DateScalar)
  requestedDeliveryDate!: string;
}
