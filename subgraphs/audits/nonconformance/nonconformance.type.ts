import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Quality's NCR, referenced by id only. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType()
export class Nonconformance {
  @Field(() => ID)
  id!: string;
}
