import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { QualityHold } from '../hold/hold.type';

/** ERP's material; quality contributes the holds open on its lots. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Material {
  @Field(() => ID)
  id!: string;

  @Field(() => [QualityHold], { nullable: true, description: 'Open holds on any lot of this material' })
  activeHolds!: QualityHold[] | null;
}
