import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { ChangeRecord, ChangeRecordConnection } from '../../kit/audit-trail';
import type { Connection } from '../../kit/paging';
import { DispatchStatus } from '../enums';
import { Lot, LotConnection } from '../lot/lot.type';
import { WorkCenter } from '../work-center/work-center.type';

// MES contributes these fields to ERP's production order; each is nullable so that an MES outage
// (or an order MES has not received yet) nulls only MES's part of the answer.
@Directive('@key(fields: "id")')
@ObjectType({ description: 'Execution side of the production order (ISA-95 JobOrder / OperationsResponse).' })
export class WorkOrder {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field(() => Float, { description: 'ERP' })
  plannedQuantity!: number;

  @Field(() => DispatchStatus, { nullable: true, description: 'B2MML JobOrderDispatchStatus' })
  dispatchStatus!: DispatchStatus | null;

  @Field(() => Float, { nullable: true, description: 'Good output reported so far' })
  goodQuantity!: number | null;

  @Field(() => Float, { nullable: true, description: 'Scrap reported so far' })
  scrapQuantity!: number | null;

  @Directive('@requires(fields: "plannedQuantity")')
  @Field(() => Float, { nullable: true, description: 'max(ERP plannedQuantity - goodQuantity, 0)' })
  remainingQuantity!: number | null;

  @Field(() => WorkCenter, { nullable: true, description: 'Where it is dispatched or running' })
  workCenter!: WorkCenter | null;

  @Field(() => LotConnection, {
    nullable: true,
    description: 'Lots this order has produced, oldest first (then by lot number); null for an order MES does not execute',
  })
  producedLots!: Connection<Lot> | null;

  @Field(() => ChangeRecordConnection, {
    nullable: true,
    description: "Changes to this order's execution, newest first (MES's audit trail)",
  })
  executionHistory!: Connection<ChangeRecord> | null;
}
