import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes in the keyset order of the paged lists, led by what each list is filtered by, so that
 * a page is an index seek from its cursor wherever it sits in the list. The per-lot, per-work-order
 * and per-customer indexes replace the single-column ones they extend.
 */
export const qualityPagingIndexesMigration: Migration = {
  async up(db: Kysely<any>) {
    // inspections (root), Lot.inspections, WorkOrder.inspections: oldest first (created_at, id).
    await db.schema.createIndex('inspections_site_created_idx').on('inspections').columns(['site_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('inspections_lot_created_idx').on('inspections').columns(['lot_id', 'created_at', 'id']).execute();
    await db.schema
      .createIndex('inspections_work_order_created_idx')
      .on('inspections')
      .columns(['work_order_id', 'created_at', 'id'])
      .where(sql.ref('work_order_id'), 'is not', null)
      .execute();
    await db.schema.dropIndex('inspections_lot_idx').execute();
    await db.schema.dropIndex('inspections_work_order_idx').execute();
    // nonconformances (root), Customer.complaints: newest first (reported_at desc, id desc), read backwards.
    await db.schema.createIndex('nonconformances_reported_idx').on('nonconformances').columns(['reported_at', 'id']).execute();
    await db.schema
      .createIndex('nonconformances_customer_reported_idx')
      .on('nonconformances')
      .columns(['customer_id', 'reported_at', 'id'])
      .where(sql.ref('customer_id'), 'is not', null)
      .execute();
    await db.schema.dropIndex('nonconformances_customer_idx').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema
      .createIndex('nonconformances_customer_idx')
      .on('nonconformances')
      .column('customer_id')
      .where(sql.ref('customer_id'), 'is not', null)
      .execute();
    await db.schema.dropIndex('nonconformances_customer_reported_idx').execute();
    await db.schema.dropIndex('nonconformances_reported_idx').execute();
    await db.schema
      .createIndex('inspections_work_order_idx')
      .on('inspections')
      .column('work_order_id')
      .where(sql.ref('work_order_id'), 'is not', null)
      .execute();
    await db.schema.createIndex('inspections_lot_idx').on('inspections').column('lot_id').execute();
    await db.schema.dropIndex('inspections_work_order_created_idx').execute();
    await db.schema.dropIndex('inspections_lot_created_idx').execute();
    await db.schema.dropIndex('inspections_site_created_idx').execute();
  },
};
