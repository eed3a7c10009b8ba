import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The table of committed changes that feed live subscriptions: written in the transaction of the
 * change, so an event exists exactly when its change committed; the relay publishes and then
 * deletes it. The partial index serves the relay's scan.
 */
export const changeEventsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('change_events')
      .addColumn('seq', 'bigserial', (c) => c.primaryKey())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('entity_key', 'jsonb', (c) => c.notNull())
      .addColumn('written_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('change_events').execute();
  },
};
