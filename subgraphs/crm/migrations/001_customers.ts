import { sql, type Kysely, type Migration } from 'kysely';
import { createAuditTrailTable, dropAuditTrailTable } from '../../kit/audit-trail';

/** Customer accounts (identity and relationship) and the audit trail of their changes. */
export const customersMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('customers')
      .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^C[0-9]{5,}$'`))
      .addColumn('name', 'text', (c) => c.notNull().check(sql`btrim(name) <> '' and length(name) <= 200`))
      .addColumn('segment', 'text', (c) => c.notNull().check(sql`segment in ('STRATEGIC','KEY','STANDARD','DISTRIBUTOR')`))
      .addColumn('country_code', 'text', (c) => c.notNull().check(sql`country_code ~ '^[A-Z]{2}$'`))
      .addColumn('account_manager', 'text', (c) => c.notNull().check(sql`btrim(account_manager) <> '' and length(account_manager) <= 100`))
      .addColumn('primary_contact_name', 'text', (c) =>
        c.check(sql`btrim(primary_contact_name) <> '' and length(primary_contact_name) <= 200`),
      )
      .execute();
    await db.schema.createIndex('customers_segment_idx').on('customers').columns(['segment', 'id']).execute();
    await db.schema.createIndex('customers_account_manager_idx').on('customers').columns(['account_manager', 'id']).execute();
    await createAuditTrailTable(db);
  },
  async down(db: Kysely<any>) {
    await dropAuditTrailTable(db);
    await db.schema.dropTable('customers').execute();
  },
};
