import type { Kysely, Migration } from 'kysely';

/**
 * Indexes in the keyset order of ERP's paged lists, so that every page, first or later, with or
 * without the usual status filter, is an index seek: work orders of a site by (due date, id),
 * purchase orders of a supplier by number, sales orders of a customer by (requested delivery
 * date, number). The status indexes gain the last key column, so a one-status page seeks too.
 */
export const pagingIndexesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('work_orders_site_status_idx').execute();
    await db.schema
      .createIndex('work_orders_site_status_idx')
      .on('work_orders')
      .columns(['site_id', 'order_status', 'due_date', 'id'])
      .execute();
    await db.schema.createIndex('work_orders_site_due_idx').on('work_orders').columns(['site_id', 'due_date', 'id']).execute();
    await db.schema.createIndex('purchase_orders_supplier_number_idx').on('purchase_orders').columns(['supplier_id', 'number']).execute();
    await db.schema.dropIndex('sales_orders_customer_status_idx').execute();
    await db.schema
      .createIndex('sales_orders_customer_status_idx')
      .on('sales_orders')
      .columns(['customer_id', 'status', 'requested_delivery_date', 'number'])
      .execute();
    await db.schema
      .createIndex('sales_orders_customer_delivery_idx')
      .on('sales_orders')
      .columns(['customer_id', 'requested_delivery_date', 'number'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('sales_orders_customer_delivery_idx').execute();
    await db.schema.dropIndex('sales_orders_customer_status_idx').execute();
    await db.schema
      .createIndex('sales_orders_customer_status_idx')
      .on('sales_orders')
      .columns(['customer_id', 'status', 'requested_delivery_date'])
      .execute();
    await db.schema.dropIndex('purchase_orders_supplier_number_idx').execute();
    await db.schema.dropIndex('work_orders_site_due_idx').execute();
    await db.schema.dropIndex('work_orders_site_status_idx').execute();
    await db.schema.createIndex('work_orders_site_status_idx').on('work_orders').columns(['site_id', 'order_status', 'due_date']).execute();
  },
};
