/**
 * The audit trail every system of record keeps: who changed what, when, from what to what.
 *
 * A system adds the table with `createAuditTrailTable` in one of its migrations (or uses
 * `auditTrailMigration` as is), adds `AuditTrailTables` to its Kysely database type, calls
 * `recordChange` inside the transaction of each mutation, and serves the entity's
 * `changeHistory(first, after): ChangeRecordConnection!` through `createChangeHistoryLoader`.
 *
 * `ChangeRecord` is a value type that several subgraphs return, so it is `@shareable`: a system
 * that serves it adds `AUDIT_TRAIL_FEDERATION_IMPORTS` to its federation imports. The field
 * `changeHistory` on an entity belongs to the entity's owning system; a system that contributes
 * fields to another system's entity names its own history field after itself (e.g.
 * `executionHistory`), since one entity field has one owner.
 */
import 'reflect-metadata';
import { GraphQLJSON } from 'graphql-scalars';
import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { Caller } from '../../platform/caller';
import { DateTimeScalar } from './scalars';
import { connectionOf, pageLoaders, pagesByCompositeParent, toConnection, type Connection, type Keyset, type Page } from './paging';

/** The audit-trail table as Kysely sees it; add it to a system's database interface. */
export interface AuditTrailTables {
  auditTrail: {
    id: Generated<number>;
    occurredAt: Generated<Date>;
    actor: string;
    actorKind: string;
    operation: string;
    entityType: string;
    entityId: string;
    reference: string | null;
    // JSONB: written as JSON text (pg would turn a JS array into a PostgreSQL array), read parsed.
    before: ColumnType<unknown, string | null, never>;
    after: ColumnType<unknown, string | null, never>;
  };
}

/** Federation directives a subgraph must import when it serves `ChangeRecord`. */
export const AUDIT_TRAIL_FEDERATION_IMPORTS = ['@shareable'] as const;

/** Creates the `audit_trail` table and its lookup index; call it from a system's migration. */
export async function createAuditTrailTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_trail')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull().check(sql`actor <> ''`))
    .addColumn('actor_kind', 'text', (c) => c.notNull().check(sql`actor_kind in ('user','partner','service')`))
    .addColumn('operation', 'text', (c) => c.notNull().check(sql`operation <> ''`))
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addCheckConstraint('audit_trail_records_a_state', sql`before is not null or after is not null`)
    .execute();
  await db.schema
    .createIndex('audit_trail_entity_idx')
    .on('audit_trail')
    .columns(['entity_type', 'entity_id', 'occurred_at desc', 'id desc'])
    .execute();
}

/** Drops the audit-trail table (a migration's `down`). */
export async function dropAuditTrailTable(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_trail').ifExists().execute();
}

/** A migration that only adds the audit trail, for systems that want it as a migration of its own. */
export const auditTrailMigration: Migration = {
  up: createAuditTrailTable,
  down: dropAuditTrailTable,
};

/** The identity of an audited entity: its GraphQL type name and its key as one string. */
export interface EntityRef {
  entityType: string;
  entityId: string;
}

/** One string for a composite key ("M000001/S01"), so composite entities have an audit identity too. */
export function entityKey(...parts: readonly string[]): string {
  return parts.join('/');
}

export interface ChangeEntry extends EntityRef {
  caller: Caller;
  /** The mutation (or command) that made the change, e.g. "postInventoryAdjustment". */
  operation: string;
  /** The business document or source key behind the change (a document number, a command's idempotency key). */
  reference?: string | null;
  /** The entity's state before the change; null when it was created. */
  before: object | null;
  /** The entity's state after the change; null when it was deleted. */
  after: object | null;
}

/** Writes one audit-trail row; pass the mutation's transaction so the row commits with the change. */
export async function recordChange(db: Kysely<any>, entry: ChangeEntry): Promise<ChangeRecord> {
  const row = await (db as unknown as Kysely<AuditTrailTables>)
    .insertInto('auditTrail')
    .values({
      actor: entry.caller.subject,
      actorKind: entry.caller.kind,
      operation: entry.operation,
      entityType: entry.entityType,
      entityId: entry.entityId,
      reference: entry.reference ?? null,
      before: entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === null ? null : JSON.stringify(entry.after),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toChangeRecord(row);
}

type AuditTrailRow = {
  id: number;
  occurredAt: Date;
  actor: string;
  actorKind: string;
  operation: string;
  entityType: string;
  entityId: string;
  reference: string | null;
  before: unknown;
  after: unknown;
};

/** A history pages by position in the audit trail, newest first. */
export const CHANGE_HISTORY_KEYSET: Keyset = { list: 'changeHistory', columns: ['id'], kinds: ['integer'], direction: 'desc' };

/** One page of the audit-trail rows of each of many entities, newest first, in one statement. */
export function findChangesOfEntities(db: Kysely<any>, refs: readonly EntityRef[], page: Page): Promise<AuditTrailRow[][]> {
  return pagesByCompositeParent(
    db,
    refs.map((ref) => [ref.entityType, ref.entityId]),
    CHANGE_HISTORY_KEYSET,
    page,
    ([entityType, entityId]) =>
      (db as unknown as Kysely<AuditTrailTables>)
        .selectFrom('auditTrail')
        .selectAll()
        .where((eb) => eb.and([eb('entityType', '=', entityType!), eb('entityId', '=', entityId!)])) as any,
  ) as Promise<AuditTrailRow[][]>;
}

const refKey = (ref: EntityRef) => `${ref.entityType}\u0000${ref.entityId}`;

/**
 * Per-request loaders of change histories: every `changeHistory` page of one query level,
 * whatever the entity types, is one SQL statement. Create it in the context function and call it
 * with the page a field asked for.
 */
export function createChangeHistoryLoader(db: Kysely<any>) {
  return pageLoaders<EntityRef, Connection<ChangeRecord>>(async (refs, page) => {
    const pages = await findChangesOfEntities(db, refs, page);
    return pages.map((rows) => toConnection(rows, page, CHANGE_HISTORY_KEYSET, toChangeRecord));
  }, refKey);
}

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
