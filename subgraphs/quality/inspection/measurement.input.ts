import { Field, Float, InputType } from 'type-graphql';

@InputType({ description: 'One result: a value for a variable characteristic, OK / not OK for an attribute characteristic' })
export class MeasurementInput {
  @Field(() => String)
  characteristic!: string;

  @Field(() => Float, { nullable: true })
  measuredValue?: number | null;

  @Field(() => Boolean, { nullable: true })
  attributeOk?: boolean | null;
}
