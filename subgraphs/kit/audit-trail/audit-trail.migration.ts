import { sql, type Kysely, type Migration } from 'kysely';

/** Creates the `audit_trail` table and its lookup index; call it from a system's migration. */
export async function createAuditTrailTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_trail')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull().check(sql`actor <> ''`))
    .addColumn('actor_kind', 'text', (c) => c.notNull().check(sql`actor_kind in ('user','partner','service')`))
    .addColumn('operation', 'text', (c) => c.notNull().check(sql`operation <> ''`))
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addCheckConstraint('audit_trail_records_a_state', sql`before is not null or after is not null`)
    .execute();
  await db.schema
    .createIndex('audit_trail_entity_idx')
    .on('audit_trail')
    .columns(['entity_type', 'entity_id', 'occurred_at desc', 'id desc'])
    .execute();
}

/** Drops the audit-trail table (a migration's `down`). */
export async function dropAuditTrailTable(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_trail').ifExists().execute();
}

/** A migration that only adds the audit trail, for systems that want it as a migration of its own. */
export const auditTrailMigration: Migration = {
  up: createAuditTrailTable,
  down: dropAuditTrailTable,
};
