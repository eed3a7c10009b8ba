import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

/** ERP's supplier; quality contributes the scorecard. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Supplier {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field(() => Float, { description: 'ERP' })
  receivedQuantity12m!: number;

  @Directive('@requires(fields: "receivedQuantity12m")')
  @Field(() => Float, {
    nullable: true,
    description: 'Rejected quantity (supplier NCRs, 12 months) / ERP received quantity x 1e6; null when nothing was received',
  })
  defectPpm12m!: number | null;
}
