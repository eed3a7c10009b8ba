import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { MaterialType } from '../enums';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'ISA-95 MaterialDefinition. ERP is the system of record for material master data.' })
export class Material {
  @Field(() => ID, { description: 'Material number' })
  id!: string;

  @Directive('@tag(name: "partner")')
  @Field(() => String)
  description!: string;

  @Field(() => MaterialType)
  materialType!: MaterialType;

  @Directive('@tag(name: "partner")')
  @Field(() => String, { description: 'UN/CEFACT unit code: EA, KG, M' })
  baseUnitOfMeasure!: string;

  @Directive('@authorized(roles: ["finance"], scopes: ["finance:read"])')
  @Field(() => Float, { description: 'Standard cost per base unit, company currency' })
  standardCost!: number;

  @Field(() => Boolean, { description: 'Batch management active' })
  lotControlled!: boolean;
}
