import { Directive, Field, Float, ObjectType } from 'type-graphql';

@Directive('@tag(name: "partner")')
@ObjectType({ description: 'B2MML PropertyMeasurement; limits copied from the inspection plan characteristic.' })
export class Measurement {
  @Field(() => String)
  characteristic!: string;

  @Field(() => Float, { nullable: true })
  lowerLimit!: number | null;

  @Field(() => Float, { nullable: true })
  upperLimit!: number | null;

  @Field(() => Float, { nullable: true, description: 'Null for attribute characteristics (judged OK / not OK)' })
  measuredValue!: number | null;

  @Field(() => Boolean)
  conforming!: boolean;
}
