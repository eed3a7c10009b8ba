import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The outbox table; a system adds it to its migrations (e.g. `'002_outbox': outboxMigration`).
 * The partial index serves the relay's scan for due commands, the subject index the graph's
 * delivery fields.
 */
export const outboxMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('outbox_commands')
      .addColumn('id', 'text', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()::text`))
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('target_system', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('variables', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .defaultTo('PENDING')
          .check(sql`status in ('PENDING','DELIVERED','PARKED')`),
      )
      .addColumn('attempts', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`attempts >= 0`),
      )
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_error', 'text')
      .addColumn('result', 'jsonb')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('delivered_at', 'timestamptz')
      .addCheckConstraint('outbox_commands_delivered_has_time', sql`status <> 'DELIVERED' or delivered_at is not null`)
      .execute();
    await db.schema
      .createIndex('outbox_commands_due_idx')
      .on('outbox_commands')
      .columns(['next_attempt_at'])
      .where(sql.ref('status'), '=', 'PENDING')
      .execute();
    await db.schema.createIndex('outbox_commands_status_idx').on('outbox_commands').columns(['status', 'updated_at']).execute();
    await db.schema.createIndex('outbox_commands_subject_idx').on('outbox_commands').columns(['subject', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('outbox_commands').execute();
  },
};
