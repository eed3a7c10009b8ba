import { sql, type Kysely, type Migration } from 'kysely';

/** Measuring instruments of the shop floor. */
export const gaugesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('gauges')
      .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^G[0-9]{4,}$'`))
      .addColumn('name', 'text', (c) => c.notNull().check(sql`btrim(name) <> '' and length(name) <= 200`))
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('gauges').execute();
  },
};
