import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Lot } from '../lot/lot.type';

@ObjectType({ description: 'One consumption link (B2MML MaterialActual: Consumed -> Produced).' })
export class GenealogyEdge {
  @Field(() => Int, { description: 'Steps from the traced lot: 1 for its direct inputs (backward) or uses (forward)' })
  depth!: number;

  @Field(() => Lot)
  consumedLot!: Lot;

  @Field(() => Lot)
  producedLot!: Lot;

  @Field(() => Float, { description: 'Quantity of the consumed lot that went into the produced lot' })
  quantity!: number;
}
