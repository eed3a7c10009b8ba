import { sql, type Kysely, type Migration } from 'kysely';

/** A field added to an existing entity: a new migration, never an edit of an applied one. */
export const calibrationIntervalMigration: Migration = {
  async up(db: Kysely<any>) {
    // A default fills the rows that exist already, so the column can be non-null at once.
    await db.schema
      .alterTable('gauges')
      .addColumn('calibration_interval_days', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(180)
          .check(sql`calibration_interval_days between 1 and 3650`),
      )
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('gauges').dropColumn('calibration_interval_days').execute();
  },
};
