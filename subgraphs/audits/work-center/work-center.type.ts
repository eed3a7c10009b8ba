import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AuditConnection, type Audit } from '../audit/audit.type';
import type { Connection } from '../../kit/paging';

/** MES's work center; audits contributes the audits held there. */
@Directive('@key(fields: "id")')
@ObjectType()
export class WorkCenter {
  @Field(() => ID)
  id!: string;

  // Nullable although the resolver always gives a connection: MES owns WorkCenter, and an outage
  // of audits must null only this field, not the work center around it.
  @Field(() => AuditConnection, { nullable: true, description: 'Audits scheduled at the work center, in date order, then by audit number' })
  audits!: Connection<Audit> | null;
}
