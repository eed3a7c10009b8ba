import { type Kysely, type Migration } from 'kysely';

/**
 * Usage per time bucket, client, operation and normalized document, and the schema coordinates
 * each selected. Every replica adds to the same rows (`insert … on conflict do update`);
 * `plantgraph check` reads `usage_fields` by coordinate, hence the index.
 */
export const usageMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('usage_operations')
      .addColumn('bucket', 'timestamptz', (c) => c.notNull())
      .addColumn('client_name', 'text', (c) => c.notNull())
      .addColumn('client_version', 'text', (c) => c.notNull())
      .addColumn('operation_name', 'text', (c) => c.notNull())
      .addColumn('document_hash', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('error_count', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms_sum', 'double precision', (c) => c.notNull())
      .addColumn('duration_ms_max', 'double precision', (c) => c.notNull())
      .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('usage_operations_pkey', ['bucket', 'client_name', 'client_version', 'operation_name', 'document_hash'])
      .execute();
    await db.schema
      .createTable('usage_fields')
      .addColumn('bucket', 'timestamptz', (c) => c.notNull())
      .addColumn('client_name', 'text', (c) => c.notNull())
      .addColumn('client_version', 'text', (c) => c.notNull())
      .addColumn('operation_name', 'text', (c) => c.notNull())
      .addColumn('document_hash', 'text', (c) => c.notNull())
      .addColumn('coordinate', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('error_count', 'bigint', (c) => c.notNull())
      .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('usage_fields_pkey', [
        'bucket',
        'client_name',
        'client_version',
        'operation_name',
        'document_hash',
        'coordinate',
      ])
      .execute();
    await db.schema.createIndex('usage_fields_coordinate_bucket').on('usage_fields').columns(['coordinate', 'bucket']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('usage_fields').execute();
    await db.schema.dropTable('usage_operations').execute();
  },
};
