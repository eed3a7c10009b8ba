import { Field, Float, ID, InputType } from 'type-graphql';
import { DateScalar } from '../../kit/scalars';
import { NcSource, Severity } from '../enums';

@InputType()
export class NonconformanceInput {
  @Field(() => NcSource)
  source!: NcSource;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => String)
  description!: string;

  @Field(() => ID)
  materialId!: string;

  @Field(() => ID, { nullable: true })
  lotId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Required for CUSTOMER_COMPLAINT' })
  customerId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Required for SUPPLIER' })
  supplierId?: string | null;

  @Field(() => Float, { nullable: true, description: 'Quantity found nonconforming, base unit of measure' })
  nonconformingQuantity?: number | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Source AUDIT: the escalated audit finding; a repeat with the same finding returns the first NCR',
  })
  sourceFindingId?: string | null;
}

@InputType()
export class CapaInput {
  @Field(() => String, { nullable: true })
  rootCause?: string | null;

  @Field(() => String)
  correctiveAction!: string;

  @Field(() => DateScalar)
  dueDate!: string;
}
