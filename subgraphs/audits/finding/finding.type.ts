import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../kit/scalars';
import { FindingStatus, Severity } from '../enums';
import { Nonconformance } from '../nonconformance/nonconformance.type';

@ObjectType({ description: 'A nonconforming answer of an audit, and what was done about it.' })
export class AuditFinding {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  question!: string;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => String, { nullable: true, description: 'On-the-spot correction or action' })
  countermeasure!: string | null;

  @Field(() => FindingStatus)
  status!: FindingStatus;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the finding was escalated to quality' })
  escalatedAt!: Date | null;

  @Field(() => Nonconformance, { nullable: true, description: 'Set once quality has created the NCR of an escalated finding' })
  nonconformance!: Nonconformance | null;
}
