import { Directive, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';

// References only: every fact about these entities comes from its owner, none from here.

@ObjectType('MaterialSite')
@Directive('@key(fields: "materialId siteId", resolvable: false)')
export class MaterialSiteReference {
  @Field(() => ID)
  materialId!: string;

  @Field(() => ID)
  siteId!: string;
}

@ObjectType('Lot')
@Directive('@key(fields: "id", resolvable: false)')
export class LotReference {
  @Field(() => ID)
  id!: string;
}

@ObjectType('CountTask')
@Directive('@key(fields: "id", resolvable: false)')
export class CountTaskReference {
  @Field(() => ID)
  id!: string;
}

export enum CountPostingDisagreementKind {
  NOT_POSTED = 'NOT_POSTED',
  UNKNOWN_TO_ERP = 'UNKNOWN_TO_ERP',
}

registerEnumType(CountPostingDisagreementKind, {
  name: 'CountPostingDisagreementKind',
  valuesConfig: {
    NOT_POSTED: { description: 'Inventory approved the count; ERP has not posted its adjustment yet' },
    UNKNOWN_TO_ERP: {
      description: "Inventory marks the count posted, but ERP's trail for the material-site holds no such adjustment document",
    },
  },
});

@ObjectType({
  description:
    "A material-site where quality's open holds and ERP's blocked stock disagree. ERP's side is materialSite.blockedQuantity, quality's is heldLots.holds, the lot quantities are MES's.",
})
export class HoldStockDisagreement {
  @Field(() => MaterialSiteReference)
  materialSite!: MaterialSiteReference;

  @Field(() => [LotReference], { description: 'Lots of the material at the site with an open quality hold' })
  heldLots!: LotReference[];

  @Field(() => [ID], { description: 'The open quality holds on those lots' })
  openHoldIds!: string[];

  @Field(() => Float, { description: "Sum of the held lots' quantities (MES), base unit" })
  heldQuantity!: number;

  @Field(() => Float, { description: 'heldQuantity minus ERP blockedQuantity: positive when ERP blocks less than quality holds' })
  difference!: number;
}

@ObjectType({ description: 'An approved count and ERP disagree on whether its inventory adjustment is posted.' })
export class CountPostingDisagreement {
  @Field(() => CountTaskReference)
  countTask!: CountTaskReference;

  @Field(() => MaterialSiteReference)
  materialSite!: MaterialSiteReference;

  @Field(() => CountPostingDisagreementKind)
  kind!: CountPostingDisagreementKind;
}
