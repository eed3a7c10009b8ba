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
  // Nullable, unlike the target model (docs/domain.md#where-the-schema-departs-from-the-target-model):
  // callers without finance access get null and a FORBIDDEN error here, and a non-null field would
  // take the whole material down with it.
  @Field(() => Float, { nullable: true, description: 'Standard cost per base unit, company currency; finance read access only' })
  standardCost!: number | null;

  @Field(() => Boolean, { description: 'Batch management active' })
  lotControlled!: boolean;
}
