import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
import { DateScalar } from '../../kit/scalars';
import { AuditStatus, AuditType } from '../enums';
import { AuditFinding } from '../finding/finding.type';
import { Material } from '../material/material.type';
import { WorkCenter } from '../work-center/work-center.type';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'One audit execution (LPA per AIAG CQI-8, 5S, safety, product audit).' })
export class Audit {
  @Field(() => ID)
  id!: string;

  @Field(() => AuditType)
  auditType!: AuditType;

  @Field(() => Int, { nullable: true, description: 'LPA layer: 1 supervisor/shift, 2 area manager/week, 3 plant manager/month' })
  layer!: number | null;

  @Field(() => String)
  checklistName!: string;

  @Field(() => WorkCenter)
  workCenter!: WorkCenter;

  @Field(() => Material, {
    nullable: true,
    description: 'The product audited or made at the work center; the NCR of an escalated finding names it',
  })
  material!: Material | null;

  @Field(() => String)
  auditor!: string;

  @Field(() => DateScalar)
  scheduledFor!: string;

  @Field(() => AuditStatus)
  status!: AuditStatus;

  @Field(() => Float, { nullable: true, description: 'Conforming answers / questions checked' })
  conformanceRate!: number | null;

  @Field(() => [AuditFinding])
  findings!: AuditFinding[];
}

/** A page of audits. */
export const AuditConnection = connectionOf(Audit, 'Audit');
