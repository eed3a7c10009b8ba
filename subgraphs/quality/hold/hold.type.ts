import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../kit/scalars';
import { Lot } from '../lot/lot.type';

@ObjectType({ description: 'A quality hold on a lot: ERP blocks the lot stock while it is open.' })
export class QualityHold {
  @Field(() => ID)
  id!: string;

  @Field(() => Lot)
  lot!: Lot;

  @Field(() => String)
  reason!: string;

  @Field(() => DateTimeScalar)
  placedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  releasedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the hold was released' })
  releaseJustification!: string | null;

  @Field(() => String, { nullable: true, description: "ERP's material document that blocked the lot stock, once posted" })
  erpBlockDocument!: string | null;

  @Field(() => String, { nullable: true, description: "ERP's material document that released the lot stock, once posted" })
  erpReleaseDocument!: string | null;
}
