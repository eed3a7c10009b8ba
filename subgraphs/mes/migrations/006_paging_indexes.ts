import type { Kysely, Migration } from 'kysely';

/**
 * Lots page by (created_at, id) under each of their usual filters: each index ends with the
 * full keyset, so a page is an index seek wherever it starts. They replace the indexes that
 * stopped at created_at (or ordered a work order's lots by id only).
 */
const REPLACED = [
  { name: 'lots_material_created_idx', before: ['material_id', 'created_at'], after: ['material_id', 'created_at', 'id'] },
  { name: 'lots_site_created_idx', before: ['site_id', 'created_at'], after: ['site_id', 'created_at', 'id'] },
  { name: 'lots_produced_by_idx', before: ['produced_by', 'id'], after: ['produced_by', 'created_at', 'id'] },
];

async function recreate(db: Kysely<any>, which: 'before' | 'after'): Promise<void> {
  for (const index of REPLACED) {
    await db.schema.dropIndex(index.name).execute();
    await db.schema.createIndex(index.name).on('lots').columns(index[which]).execute();
  }
}

export const mesPagingIndexesMigration: Migration = {
  up: (db) => recreate(db, 'after'),
  down: (db) => recreate(db, 'before'),
};
