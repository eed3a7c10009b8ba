import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A hold's block and release may reach ERP in either order, or one without the other. ERP posts
 * the one that has nothing to move (a release whose hold blocked nothing, a block arriving after
 * its release) with quantity 0: the hold's state is recorded, the stock stays as it is, and the
 * late counterpart finds it and moves nothing either.
 */
export const stockStatusPerHoldMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`alter table stock_status_changes drop constraint stock_status_changes_quantity_check,
      add constraint stock_status_changes_quantity_check check (quantity >= 0)`.execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`delete from stock_status_changes where quantity = 0`.execute(db);
    await sql`alter table stock_status_changes drop constraint stock_status_changes_quantity_check,
      add constraint stock_status_changes_quantity_check check (quantity > 0)`.execute(db);
  },
};
