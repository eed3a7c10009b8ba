import 'reflect-metadata';
import { GraphQLJSON } from 'graphql-scalars';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../paging';
import { DateTimeScalar } from '../scalars';
import type { AuditTrailRow } from './audit-trail.repository';

/** Federation directives a subgraph must import when it serves `ChangeRecord`. */
export const AUDIT_TRAIL_FEDERATION_IMPORTS = ['@shareable'] as const;

@Directive('@shareable')
@ObjectType({ description: 'One change of an entity in its system of record: who, when, which operation, the state before and after.' })
export class ChangeRecord {
  @Field(() => ID, { description: "Position in the owning system's audit trail" })
  id!: string;

  @Field(() => DateTimeScalar, { description: 'When the change was committed' })
  at!: Date;

  @Field(() => String, { description: 'Subject of the caller that made the change (user id, partner:<key>, service:<name>)' })
  actor!: string;

  @Field(() => String, { description: 'user, partner or service' })
  actorKind!: string;

  @Field(() => String, { description: 'The mutation or command that made the change' })
  operation!: string;

  @Field(() => String, { description: 'GraphQL type of the changed entity' })
  entityType!: string;

  @Field(() => ID, { description: 'Key of the changed entity; composite keys joined with "/"' })
  entityId!: string;

  @Field(() => String, { nullable: true, description: 'The business document or source key behind the change' })
  reference!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'State before the change; null when the change created it' })
  before!: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'State after the change; null when the change deleted it' })
  after!: unknown;

  @Field(() => [String], { description: 'Top-level fields whose values differ between before and after' })
  changedFields!: string[];
}

/** A page of an entity's change history. */
export const ChangeRecordConnection = connectionOf(ChangeRecord, 'ChangeRecord');

/** The top-level fields whose values differ between two states. */
export function changedFields(before: unknown, after: unknown): string[] {
  const asObject = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const a = asObject(before);
  const b = asObject(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Maps an audit-trail row to its GraphQL type. */
export function toChangeRecord(row: AuditTrailRow): ChangeRecord {
  return {
    id: String(row.id),
    at: row.occurredAt,
    actor: row.actor,
    actorKind: row.actorKind,
    operation: row.operation,
    entityType: row.entityType,
    entityId: row.entityId,
    reference: row.reference,
    before: row.before ?? null,
    after: row.after ?? null,
    changedFields: changedFields(row.before, row.after),
  };
}
