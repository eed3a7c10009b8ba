import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Audit } from '../audit/audit.type';

/** MES's work center; audits contributes the audits held there. */
@Directive('@key(fields: "id")')
@ObjectType()
export class WorkCenter {
  @Field(() => ID)
  id!: string;

  @Field(() => [Audit], { nullable: true, description: 'Audits scheduled at the work center, in date order' })
  audits!: Audit[] | null;
}
