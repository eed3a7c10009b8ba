import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { CommandDelivery } from '../../kit/outbox/outbox.type';
import { connectionOf } from '../../kit/paging';
import { DateScalar, DateTimeScalar } from '../../kit/scalars';
import { CountStatus } from '../enums';
import { MaterialSite } from '../material-site/material-site.type';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'One count of one material in one bin (count -> recount -> approve -> post).' })
export class CountTask {
  @Field(() => ID)
  id!: string;

  @Field(() => MaterialSite)
  materialSite!: MaterialSite;

  @Field(() => String)
  binCode!: string;

  @Field(() => DateScalar)
  scheduledFor!: string;

  @Field(() => CountStatus)
  status!: CountStatus;

  @Field(() => Float, { nullable: true })
  countedQuantity!: number | null;

  @Field(() => Float, { nullable: true, description: 'Required when the first count is out of tolerance' })
  recountQuantity!: number | null;

  @Field(() => String, { nullable: true })
  countedBy!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  countedAt!: Date | null;

  @Field(() => String, { nullable: true })
  approvedBy!: string | null;

  @Field(() => String, { nullable: true, description: "ERP's inventory adjustment document, once posted" })
  erpDocumentNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'Who recounted, when the first count was out of tolerance' })
  recountedBy!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  recountedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  approvedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When ERP posted the adjustment' })
  postedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the count was rejected' })
  rejectionReason!: string | null;

  @Field(() => CommandDelivery, {
    nullable: true,
    description: 'The latest command this count sent to ERP (reading the book, posting the adjustment) and how its delivery stands',
  })
  delivery!: CommandDelivery | null;
}

/** A page of count tasks. */
export const CountTaskConnection = connectionOf(CountTask, 'CountTask');
