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
 *
 * The parts: the table type (`audit-trail.db.ts`), its migration (`audit-trail.migration.ts`), its
 * SQL (`audit-trail.repository.ts`, no GraphQL), the GraphQL type and the mapping of a row to it
 * (`audit-trail.type.ts`), and the per-request loader (`audit-trail.loaders.ts`).
 */
import 'reflect-metadata';
export type { AuditTrailTables } from './audit-trail.db';
export { auditTrailMigration, createAuditTrailTable, dropAuditTrailTable } from './audit-trail.migration';
export {
  CHANGE_HISTORY_KEYSET,
  entityKey,
  findChangesOfEntities,
  recordChange,
  type AuditTrailRow,
  type ChangeEntry,
  type EntityRef,
} from './audit-trail.repository';
export { AUDIT_TRAIL_FEDERATION_IMPORTS, ChangeRecord, ChangeRecordConnection, changedFields, toChangeRecord } from './audit-trail.type';
export { createChangeHistoryLoader } from './audit-trail.loaders';
