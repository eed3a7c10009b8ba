import { sql, type Kysely, type Migration } from 'kysely';
import type { Migrations } from '../../../subgraphs/kit/db/migrate';

/** Partner API keys: only a hash of each key is kept; the key itself is shown once, at creation. */
const partnerKeysMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('partner_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('supplier_id', 'text')
      .addColumn('customer_id', 'text')
      .addColumn('scopes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('revoked_at', 'timestamptz')
      .addCheckConstraint('partner_keys_bound_to_one_party', sql`(supplier_id is null) <> (customer_id is null)`)
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('partner_keys').execute();
  },
};

/** The gateway database's schema history. */
export const gatewayMigrations: Migrations = {
  '001_partner_keys': partnerKeysMigration,
};
