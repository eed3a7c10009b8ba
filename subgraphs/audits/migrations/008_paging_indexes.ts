import type { Kysely, Migration } from 'kysely';

/**
 * Audits page by (scheduled_for, id) under each of their usual filters (work centers, status, or
 * none): each index ends with the full keyset, so a page is an index seek wherever it starts.
 */
const REPLACED = [
  { name: 'audits_work_center_idx', before: ['work_center_id', 'scheduled_for'], after: ['work_center_id', 'scheduled_for', 'id'] },
  { name: 'audits_status_idx', before: ['status', 'scheduled_for'], after: ['status', 'scheduled_for', 'id'] },
  { name: 'audits_scheduled_for_idx', before: ['scheduled_for'], after: ['scheduled_for', 'id'] },
];

async function recreate(db: Kysely<any>, which: 'before' | 'after'): Promise<void> {
  for (const index of REPLACED) {
    await db.schema.dropIndex(index.name).execute();
    await db.schema.createIndex(index.name).on('audits').columns(index[which]).execute();
  }
}

export const auditsPagingIndexesMigration: Migration = {
  up: (db) => recreate(db, 'after'),
  down: (db) => recreate(db, 'before'),
};
