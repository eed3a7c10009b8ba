import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A measuring instrument. The gauges system is its system of record.' })
export class Gauge {
  @Field(() => ID, { description: 'Gauge number, e.g. G0001' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: 'Days between two calibrations' })
  calibrationIntervalDays!: number;
}
