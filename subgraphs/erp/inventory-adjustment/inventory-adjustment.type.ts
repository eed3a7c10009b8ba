import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../kit/scalars';
import { Permit } from '../../kit/authorization';
import { MaterialSite } from '../material-site/material-site.type';

@InputType({ description: 'An approved physical count to post against the book (SAP MI07, movement 701/702)' })
export class InventoryAdjustmentInput {
  @Field(() => ID)
  materialId!: string;

  @Field(() => ID)
  siteId!: string;

  @Field(() => Float, { description: 'Counted minus book, base unit; the book never goes below zero' })
  quantityDelta!: number;

  @Field(() => String, { description: 'Why the book changes, e.g. CYCLE_COUNT' })
  reasonCode!: string;

  @Field(() => ID, { description: 'The count task in inventory: the idempotency key (a repeat returns the first posting)' })
  sourceCountTaskId!: string;
}

@ObjectType({ description: 'A posted inventory adjustment (material document)' })
export class InventoryAdjustment {
  @Field(() => ID, { description: 'Material document number' })
  documentNumber!: string;

  @Field(() => MaterialSite)
  materialSite!: MaterialSite;

  @Field(() => Float)
  quantityDelta!: number;

  // Derived from Material.standardCost, so protected like it: a +1 posting would otherwise reveal the cost.
  // Nullable for the same reason as standardCost: a denied value nulls only itself, not the posting.
  @Permit({ roles: ['finance'], scopes: ['finance:read'] })
  @Field(() => Float, { nullable: true, description: 'quantityDelta valued at the standard cost, company currency' })
  valueDelta!: number | null;

  @Field(() => String)
  reasonCode!: string;

  @Field(() => ID)
  sourceCountTaskId!: string;

  @Field(() => DateTimeScalar)
  postedAt!: Date;
}
