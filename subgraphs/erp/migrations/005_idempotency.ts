import { sql, type Kysely, type Migration } from 'kysely';
import { idempotencyMigration } from '../../kit/idempotency';

/**
 * Idempotency bound to the payload: the kit's table of applied keys, and beside each posting made
 * under a business key (sourceCountTaskId, sourceHoldId) the fingerprint of what it was asked, so a
 * repeat of the key with another payload is refused instead of answered with the first posting.
 */
export const erpIdempotencyMigration: Migration = {
  async up(db: Kysely<any>) {
    await idempotencyMigration.up(db);
    await sql`alter table inventory_adjustments add column command_fingerprint text`.execute(db);
    await sql`alter table stock_status_changes add column command_fingerprint text`.execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`alter table stock_status_changes drop column command_fingerprint`.execute(db);
    await sql`alter table inventory_adjustments drop column command_fingerprint`.execute(db);
    await idempotencyMigration.down!(db);
  },
};
