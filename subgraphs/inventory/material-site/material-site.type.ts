import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
import { CountTask } from '../count-task/count-task.type';
import { AbcClass } from '../enums';
import { Material } from './material.type';

@Directive('@key(fields: "materialId siteId")')
@ObjectType({ description: "Inventory control's view of a material at a site: counting program and physical truth." })
export class MaterialSite {
  @Field(() => ID)
  materialId!: string;

  @Field(() => ID)
  siteId!: string;

  @Directive('@external')
  @Field(() => Material, { description: 'ERP' })
  material!: Material;

  @Directive('@external')
  @Field(() => Float, { description: 'ERP' })
  bookQuantity!: number;

  @Field(() => AbcClass, { nullable: true, description: 'Cycle-count class (drives frequency and tolerance)' })
  abcClass!: AbcClass | null;

  @Field(() => [String], { nullable: true, description: 'Bins where the material is slotted' })
  binCodes!: string[] | null;

  @Field(() => CountTask, { nullable: true, description: 'Latest completed count' })
  lastCount!: CountTask | null;

  @Directive('@requires(fields: "bookQuantity")')
  @Field(() => Float, { nullable: true, description: 'lastCount.countedQuantity - ERP bookQuantity (the recount when there is one)' })
  countVarianceQuantity!: number | null;

  @Directive('@requires(fields: "bookQuantity")')
  @Field(() => Boolean, { nullable: true, description: '|variance| / bookQuantity within the abcClass tolerance' })
  withinTolerance!: boolean | null;

  // Derived from the standard cost, so it is as confidential as the cost itself.
  @Directive('@authorized(roles: ["finance"], scopes: ["finance:read"])')
  @Directive('@requires(fields: "bookQuantity material { standardCost }")')
  @Field(() => Float, { nullable: true, description: 'Variance quantity x ERP standard cost; finance read access only' })
  countVarianceValue!: number | null;
}

/** A page of material-sites. */
export const MaterialSiteConnection = connectionOf(MaterialSite, 'MaterialSite');
