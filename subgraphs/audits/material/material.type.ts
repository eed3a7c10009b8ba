import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** ERP's material, referenced by id only. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType()
export class Material {
  @Field(() => ID)
  id!: string;
}
