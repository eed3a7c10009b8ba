import { Field, Float, ID, InputType } from 'type-graphql';

@InputType()
export class ConsumptionInput {
  @Field(() => ID)
  lotId!: string;

  @Field(() => Float, { description: 'Taken out of the lot; at most what it holds' })
  quantity!: number;
}

@InputType()
export class ProductionReportInput {
  @Field(() => ID)
  workOrderId!: string;

  @Field(() => ID)
  workCenterId!: string;

  @Field(() => Float, { description: 'Good output, added to the output lot' })
  goodQuantity!: number;

  @Field(() => Float)
  scrapQuantity!: number;

  @Field(() => ID, { nullable: true, description: 'null = MES assigns a new lot number' })
  outputLotId!: string | null;

  @Field(() => [ConsumptionInput])
  consumed!: ConsumptionInput[];
}
