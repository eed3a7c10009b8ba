import type { Kysely, Migration } from 'kysely';

/**
 * Indexes in the keyset order of the paged lists, led by the site every one of them is filtered
 * by, so that a page is an index seek from its cursor, wherever it sits in the list.
 */
export const inventoryPagingIndexesMigration: Migration = {
  async up(db: Kysely<any>) {
    // countTasks: by scheduled date, then id.
    await db.schema.createIndex('count_tasks_site_schedule_idx').on('count_tasks').columns(['site_id', 'scheduled_for', 'id']).execute();
    // countDiscrepancies: by material id.
    await db.schema
      .createIndex('material_site_profiles_site_material_idx')
      .on('material_site_profiles')
      .columns(['site_id', 'material_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('material_site_profiles_site_material_idx').execute();
    await db.schema.dropIndex('count_tasks_site_schedule_idx').execute();
  },
};
