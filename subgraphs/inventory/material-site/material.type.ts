import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

/** ERP's material, as far as inventory needs it: its standard cost values a variance. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Material {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field(() => Float, { nullable: true, description: 'ERP' })
  standardCost!: number | null;
}
