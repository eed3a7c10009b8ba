import type { Kysely } from 'kysely';
import { pageLoaders, toConnection, type Connection } from '../paging';
import { CHANGE_HISTORY_KEYSET, findChangesOfEntities, type EntityRef } from './audit-trail.repository';
import { toChangeRecord, type ChangeRecord } from './audit-trail.type';

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
