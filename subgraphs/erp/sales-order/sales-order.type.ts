import { Field, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
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

export const SalesOrderConnection = connectionOf(SalesOrder, 'SalesOrder');
