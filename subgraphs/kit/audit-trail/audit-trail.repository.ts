import type { Kysely, Selectable } from 'kysely';
import type { Caller } from '../../../platform/caller';
import type { Keyset, Page } from '../paging';
import { pagesByCompositeParent } from '../paging/keyset';
import type { AuditTrailTables } from './audit-trail.db';

/** An audit-trail row as read back. */
export type AuditTrailRow = Selectable<AuditTrailTables['auditTrail']>;

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

const auditTrailOf = (db: Kysely<any>) => db as unknown as Kysely<AuditTrailTables>;

/**
 * Writes one audit-trail row and returns it; pass the mutation's transaction so the row commits
 * with the change.
 */
export async function recordChange(db: Kysely<any>, entry: ChangeEntry): Promise<AuditTrailRow> {
  return auditTrailOf(db)
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
}

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
      auditTrailOf(db)
        .selectFrom('auditTrail')
        .selectAll()
        .where((eb) => eb.and([eb('entityType', '=', entityType!), eb('entityId', '=', entityId!)])) as any,
  ) as Promise<AuditTrailRow[][]>;
}
