import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
import { DateTimeScalar } from '../../kit/scalars';
import { Material } from '../material/material.type';

@Directive('@key(fields: "materialId siteId")')
@ObjectType({ description: 'Material at a site (SAP MARC/MARD grain): ERP owns the book (perpetual) stock.' })
export class MaterialSite {
  @Field(() => ID)
  materialId!: string;

  @Field(() => ID)
  siteId!: string;

  @Field(() => Material)
  material!: Material;

  @Field(() => Float, { description: 'Book on-hand quantity, base unit (all stock types)' })
  bookQuantity!: number;

  @Field(() => Float, { description: 'Part of the book quantity in BLOCKED stock status' })
  blockedQuantity!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last goods movement posted' })
  lastMovementAt!: Date | null;
}

export const MaterialSiteConnection = connectionOf(MaterialSite, 'MaterialSite');
