import { Field, InputType } from 'type-graphql';
import { Severity } from '../enums';

@InputType()
export class AuditResponseInput {
  @Field(() => String, { description: "A question of the audit's checklist" })
  question!: string;

  @Field(() => Boolean)
  conforming!: boolean;

  @Field(() => Severity, { nullable: true, description: 'Required for a nonconforming answer' })
  severity?: Severity | null;

  @Field(() => String, { nullable: true })
  countermeasure?: string | null;
}
