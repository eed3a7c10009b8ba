import { sql, type Kysely, type Migration } from 'kysely';
import { createAuditTrailTable, dropAuditTrailTable } from '../../kit/audit-trail';

/**
 * Goods movements posted from other systems (inventory adjustments, stock status changes) and
 * the audit trail. Each posting is unique on its source key, which is what makes a command
 * delivered twice post once.
 */
export const postingsMigration: Migration = {
  async up(db: Kysely<any>) {
    await createAuditTrailTable(db);
    // SAP-style material document numbers, shared by every goods movement.
    await sql`create sequence material_document_seq start with 4900000001 minvalue 4900000001`.execute(db);

    await db.schema
      .createTable('inventory_adjustments')
      .addColumn('document_number', 'text', (c) => c.primaryKey())
      .addColumn('source_count_task_id', 'text', (c) =>
        c
          .notNull()
          .unique()
          .check(sql`source_count_task_id <> ''`),
      )
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('quantity_delta', 'numeric(16, 3)', (c) => c.notNull())
      .addColumn('value_delta', 'numeric(16, 2)', (c) => c.notNull())
      .addColumn('reason_code', 'text', (c) => c.notNull().check(sql`reason_code <> ''`))
      .addColumn('posted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('posted_by', 'text', (c) => c.notNull())
      .addForeignKeyConstraint('inventory_adjustments_material_site_fk', ['material_id', 'site_id'], 'material_sites', [
        'material_id',
        'site_id',
      ])
      .execute();
    await db.schema
      .createIndex('inventory_adjustments_material_site_idx')
      .on('inventory_adjustments')
      .columns(['material_id', 'site_id', 'posted_at'])
      .execute();

    await db.schema
      .createTable('stock_status_changes')
      .addColumn('document_number', 'text', (c) => c.primaryKey())
      .addColumn('source_hold_id', 'text', (c) => c.notNull().check(sql`source_hold_id <> ''`))
      .addColumn('lot_id', 'text', (c) => c.notNull().check(sql`lot_id <> ''`))
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`quantity > 0`))
      .addColumn('to_status', 'text', (c) => c.notNull().check(sql`to_status in ('UNRESTRICTED','QUALITY_INSPECTION','BLOCKED')`))
      .addColumn('posted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('posted_by', 'text', (c) => c.notNull())
      // A hold blocks once and releases once: the key is the hold and the direction.
      .addUniqueConstraint('stock_status_changes_source_key', ['source_hold_id', 'to_status'])
      .addForeignKeyConstraint('stock_status_changes_material_site_fk', ['material_id', 'site_id'], 'material_sites', [
        'material_id',
        'site_id',
      ])
      .execute();
    await db.schema
      .createIndex('stock_status_changes_material_site_idx')
      .on('stock_status_changes')
      .columns(['material_id', 'site_id', 'posted_at'])
      .execute();
    await db.schema.createIndex('stock_status_changes_lot_idx').on('stock_status_changes').column('lot_id').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('stock_status_changes').execute();
    await db.schema.dropTable('inventory_adjustments').execute();
    await sql`drop sequence material_document_seq`.execute(db);
    await dropAuditTrailTable(db);
  },
};
