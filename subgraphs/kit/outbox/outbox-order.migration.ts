import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Gives every command its place in the order commands were written (`seq`), so the relay can
 * deliver the commands of one subject in that order whatever their backoff. A system adds it after
 * `outboxMigration` (e.g. `'006_outbox_order': outboxOrderMigration`); existing commands are
 * numbered in the order of their creation time.
 */
export const outboxOrderMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`create sequence outbox_commands_seq`.execute(db);
    await sql`alter table outbox_commands add column seq bigint`.execute(db);
    await sql`update outbox_commands set seq = numbered.n
      from (select id, row_number() over (order by created_at, id) as n from outbox_commands) numbered
      where outbox_commands.id = numbered.id`.execute(db);
    await sql`select setval('outbox_commands_seq', coalesce((select max(seq) from outbox_commands), 0) + 1, false)`.execute(db);
    await sql`alter table outbox_commands alter column seq set default nextval('outbox_commands_seq'), alter column seq set not null`.execute(
      db,
    );
    await sql`alter sequence outbox_commands_seq owned by outbox_commands.seq`.execute(db);
    // The relay asks "is an earlier command of this subject still pending?" for every due command.
    await sql`create index outbox_commands_pending_subject_idx on outbox_commands (subject, seq) where status = 'PENDING'`.execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`drop index outbox_commands_pending_subject_idx`.execute(db);
    await sql`alter table outbox_commands drop column seq`.execute(db);
  },
};
