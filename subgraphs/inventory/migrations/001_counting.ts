import { sql, type Kysely, type Migration } from 'kysely';

/** Count policy per site and ABC class, material-site profiles (class, bins) and count tasks. */
export const countingMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('count_policies')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('abc_class', 'text', (c) => c.notNull().check(sql`abc_class in ('A','B','C')`))
      .addColumn('counts_per_year', 'integer', (c) => c.notNull().check(sql`counts_per_year > 0`))
      .addColumn('tolerance_percent', 'numeric(6, 3)', (c) => c.notNull().check(sql`tolerance_percent >= 0`))
      .addPrimaryKeyConstraint('count_policies_pk', ['site_id', 'abc_class'])
      .execute();
    await db.schema
      .createTable('material_site_profiles')
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('abc_class', 'text', (c) => c.notNull().check(sql`abc_class in ('A','B','C')`))
      .addColumn('bin_codes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addPrimaryKeyConstraint('material_site_profiles_pk', ['material_id', 'site_id'])
      .execute();
    await db.schema.createIndex('material_site_profiles_site_idx').on('material_site_profiles').columns(['site_id', 'abc_class']).execute();
    await db.schema
      .createTable('count_tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('bin_code', 'text', (c) => c.notNull())
      .addColumn('scheduled_for', 'date', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('SCHEDULED','COUNTED','RECOUNT_REQUIRED','PENDING_APPROVAL','APPROVED','REJECTED','POSTED')`),
      )
      .addColumn('counted_quantity', 'numeric(16, 3)', (c) => c.check(sql`counted_quantity >= 0`))
      .addColumn('recount_quantity', 'numeric(16, 3)', (c) => c.check(sql`recount_quantity >= 0`))
      .addColumn('counted_by', 'text')
      .addColumn('counted_at', 'timestamptz')
      .addColumn('approved_by', 'text')
      .addColumn('erp_document_number', 'text')
      .addForeignKeyConstraint('count_tasks_profile_fk', ['material_id', 'site_id'], 'material_site_profiles', ['material_id', 'site_id'])
      .addCheckConstraint('count_tasks_counted_has_quantity', sql`status in ('SCHEDULED') or counted_quantity is not null`)
      .addCheckConstraint('count_tasks_posted_has_document', sql`status <> 'POSTED' or erp_document_number is not null`)
      .execute();
    await db.schema.createIndex('count_tasks_site_status_idx').on('count_tasks').columns(['site_id', 'status', 'scheduled_for']).execute();
    await db.schema
      .createIndex('count_tasks_material_site_idx')
      .on('count_tasks')
      .columns(['material_id', 'site_id', 'counted_at'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['count_tasks', 'material_site_profiles', 'count_policies']) await db.schema.dropTable(table).execute();
  },
};
