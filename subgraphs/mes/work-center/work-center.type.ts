import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { ChangeRecord, ChangeRecordConnection } from '../../kit/audit-trail';
import type { Connection } from '../../kit/paging';
import { DateTimeScalar } from '../../kit/scalars';
import { WorkCenterState } from '../enums';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'ISA-95 role-based equipment hierarchy node (Site > Area > WorkCenter > WorkUnit). MES is the SoR.' })
export class WorkCenter {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ID)
  siteId!: string;

  @Field(() => String, { description: 'ISA-95 Area' })
  area!: string;

  @Field(() => WorkCenterState)
  state!: WorkCenterState;

  @Field(() => String, { nullable: true, description: 'Why the work center entered its current state, when given' })
  stateReasonCode!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the work center entered its current state' })
  stateChangedAt!: Date;

  @Field(() => ChangeRecordConnection, { description: "Changes to this work center, newest first (MES's audit trail)" })
  changeHistory!: Connection<ChangeRecord>;
}
