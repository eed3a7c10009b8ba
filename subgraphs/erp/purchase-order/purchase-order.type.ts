import { Directive, Field, Float, Int, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
import { DateScalar } from '../../kit/scalars';
import { PurchaseOrderStatus } from '../enums';
import { Lot } from '../lot/lot.type';
import { Material } from '../material/material.type';

@Directive('@tag(name: "partner")')
@ObjectType({ description: 'A purchase order line: what was ordered, received and promised' })
export class PurchaseOrderLine {
  @Field(() => Int)
  lineNumber!: number;

  @Field(() => Material)
  material!: Material;

  @Field(() => Float)
  orderedQuantity!: number;

  @Field(() => Float)
  receivedQuantity!: number;

  @Field(() => DateScalar, { nullable: true, description: 'Supplier-confirmed delivery date' })
  promisedDate!: string | null;

  @Field(() => [Lot], { description: 'Lots booked on goods receipts of this line' })
  receivedLots!: Lot[];
}

@Directive('@tag(name: "partner")')
@ObjectType({ description: 'A purchase order to a supplier' })
export class PurchaseOrder {
  @Field(() => ID)
  number!: string;

  @Field(() => PurchaseOrderStatus)
  status!: PurchaseOrderStatus;

  @Field(() => DateScalar)
  orderDate!: string;

  @Field(() => [PurchaseOrderLine])
  lines!: PurchaseOrderLine[];
}

export const PurchaseOrderConnection = connectionOf(PurchaseOrder, 'PurchaseOrder');
