import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { ChangeRecord, ChangeRecordConnection } from '../../kit/audit-trail';
import { connectionOf, type Connection } from '../../kit/paging';
import { DateTimeScalar } from '../../kit/scalars';
import { LotLifecycleStatus } from '../enums';
import { Material } from '../material/material.type';
import { WorkOrder } from '../work-order/work-order.type';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'ISA-95 MaterialLot. MES owns lot identity, quantity and genealogy.' })
export class Lot {
  @Field(() => ID)
  id!: string;

  @Directive('@tag(name: "partner")')
  @Field(() => Material)
  material!: Material;

  @Field(() => ID)
  siteId!: string;

  @Field(() => Float, { description: 'Current quantity, base unit of measure' })
  quantity!: number;

  @Field(() => LotLifecycleStatus, { description: 'Physical lifecycle, not quality' })
  lifecycleStatus!: LotLifecycleStatus;

  @Field(() => WorkOrder, { nullable: true, description: 'Null for received lots' })
  producedBy!: WorkOrder | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => ChangeRecordConnection, { description: "Changes to this lot, newest first (MES's audit trail)" })
  changeHistory!: Connection<ChangeRecord>;
}

/** A page of lots. */
export const LotConnection = connectionOf(Lot, 'Lot');
