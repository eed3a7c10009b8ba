import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../kit/scalars';
import { StockStatus } from '../enums';
import { MaterialSite } from '../material-site/material-site.type';

@InputType({ description: 'Moves lot stock between stock statuses (quality places or releases a hold; SAP 344/343)' })
export class StockStatusChangeInput {
  @Field(() => ID)
  lotId!: string;

  @Field(() => ID)
  materialId!: string;

  @Field(() => ID)
  siteId!: string;

  @Field(() => Float, { description: 'Quantity moved, base unit, greater than zero' })
  quantity!: number;

  @Field(() => StockStatus, { description: 'BLOCKED blocks the quantity; UNRESTRICTED releases it' })
  toStatus!: StockStatus;

  @Field(() => ID, { description: 'The hold in quality: with toStatus, the idempotency key' })
  sourceHoldId!: string;
}

@ObjectType({ description: 'A posted stock status change (material document)' })
export class StockStatusChange {
  @Field(() => ID, { description: 'Material document number' })
  documentNumber!: string;

  @Field(() => StockStatus)
  toStatus!: StockStatus;

  @Field(() => DateTimeScalar)
  postedAt!: Date;

  @Field(() => ID)
  lotId!: string;

  @Field(() => Float)
  quantity!: number;

  @Field(() => ID)
  sourceHoldId!: string;

  @Field(() => MaterialSite)
  materialSite!: MaterialSite;
}
