import { sql, type Kysely, type Migration } from 'kysely';
import type { Migrations } from '../../../platform/db/migrate';
import { usageMigration } from '../../usage/migrations';

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

/**
 * Documents partners may run, by the id of an Apollo persisted-query manifest (the SHA-256 of
 * the body). A revoked document keeps its row, so that `documents list` shows its history; every
 * change stamps `changed_at`, which gateway replicas poll to pick changes up without a restart.
 */
const partnerDocumentsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('partner_documents')
      .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[0-9a-f]{64}$'`))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('query', 'mutation', 'subscription')`))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('scopes', sql`text[]`, (c) => c.notNull())
      .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
      .addColumn('revoked_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('partner_documents_name').on('partner_documents').column('name').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('partner_documents').execute();
  },
};

/** The gateway database's schema history. */
export const gatewayMigrations: Migrations = {
  '001_partner_keys': partnerKeysMigration,
  '002_partner_documents': partnerDocumentsMigration,
  '003_usage': usageMigration,
};
