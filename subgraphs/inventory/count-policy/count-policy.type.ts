import { Field, Float, Int, ObjectType } from 'type-graphql';
import { AbcClass } from '../enums';

@ObjectType({ description: 'How often a class is counted and how far a count may differ from the book.' })
export class CountPolicy {
  @Field(() => AbcClass)
  abcClass!: AbcClass;

  @Field(() => Int)
  countsPerYear!: number;

  @Field(() => Float)
  tolerancePercent!: number;
}
