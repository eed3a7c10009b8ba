import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Names the column of what a live field's argument selects `scope` (a site, or a supplier).
 * Keeps each change's row with its event (`state`) and published events for a while
 * (`published_at`), so that a live event is read as of its change, not as of its delivery. The
 * relay scans only unpublished events and prunes published ones by age: one partial index each.
 */
export const changeStatesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('change_events').addColumn('state', 'jsonb').addColumn('published_at', 'timestamptz').execute();
    // Not every live field is scoped by a site: a supplier's is scoped by the supplier.
    await db.schema.alterTable('change_events').renameColumn('site_id', 'scope').execute();
    await sql`create index change_events_unpublished_idx on change_events (seq) where published_at is null`.execute(db);
    await sql`create index change_events_published_idx on change_events (published_at) where published_at is not null`.execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`drop index if exists change_events_published_idx`.execute(db);
    await sql`drop index if exists change_events_unpublished_idx`.execute(db);
    await db.schema.alterTable('change_events').renameColumn('scope', 'site_id').execute();
    await db.schema.alterTable('change_events').dropColumn('published_at').dropColumn('state').execute();
  },
};
