import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
import { DateScalar } from '../../kit/scalars';
import { Customer } from '../customer/customer.type';
import { ErpOrderStatus } from '../enums';
import { Material } from '../material/material.type';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Production order (ISA-95 OperationsRequest): ERP owns the plan.' })
export class WorkOrder {
  @Field(() => ID)
  id!: string;

  @Field(() => Material, { description: 'Product to make' })
  material!: Material;

  @Field(() => ID)
  siteId!: string;

  @Field(() => Float)
  plannedQuantity!: number;

  @Field(() => DateScalar)
  dueDate!: string;

  @Field(() => ErpOrderStatus)
  orderStatus!: ErpOrderStatus;

  @Field(() => Customer, { nullable: true, description: 'Make-to-order customer, if any' })
  customer!: Customer | null;
}

export const WorkOrderConnection = connectionOf(WorkOrder, 'WorkOrder');
