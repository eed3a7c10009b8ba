import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The table of applied idempotency keys; every system with mutations adds it to its migrations
 * (e.g. `'004_idempotency': idempotencyMigration`). The index on `created_at` serves pruning.
 */
export const idempotencyMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().check(sql`idempotency_key <> ''`))
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('outcome', 'jsonb')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'idempotency_key', 'field'])
      .execute();
    await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('idempotency_keys').execute();
  },
};
