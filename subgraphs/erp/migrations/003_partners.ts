import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Suppliers with their purchase orders and goods receipts, customers' sales orders and outbound
 * deliveries: the procurement and delivery facts ERP contributes to lots.
 */
export const partnersMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('suppliers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().check(sql`name <> ''`))
      .addColumn('country_code', 'text', (c) => c.notNull().check(sql`country_code ~ '^[A-Z]{2}$'`))
      .execute();

    await db.schema
      .createTable('purchase_orders')
      .addColumn('number', 'text', (c) => c.primaryKey())
      .addColumn('supplier_id', 'text', (c) => c.notNull().references('suppliers.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('OPEN','PARTIALLY_RECEIVED','RECEIVED','CLOSED','CANCELLED')`))
      .addColumn('order_date', 'date', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('purchase_orders_supplier_status_idx')
      .on('purchase_orders')
      .columns(['supplier_id', 'status', 'number'])
      .execute();

    await db.schema
      .createTable('purchase_order_lines')
      .addColumn('po_number', 'text', (c) => c.notNull().references('purchase_orders.number'))
      .addColumn('line_number', 'integer', (c) => c.notNull().check(sql`line_number > 0`))
      .addColumn('material_id', 'text', (c) => c.notNull().references('materials.id'))
      .addColumn('ordered_quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`ordered_quantity > 0`))
      .addColumn('received_quantity', 'numeric(16, 3)', (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`received_quantity >= 0`),
      )
      .addColumn('promised_date', 'date')
      .addPrimaryKeyConstraint('purchase_order_lines_pk', ['po_number', 'line_number'])
      // A supplier confirms "the line of material X on PO Y": one line per material and order.
      .addUniqueConstraint('purchase_order_lines_material_key', ['po_number', 'material_id'])
      .execute();
    await db.schema.createIndex('purchase_order_lines_material_idx').on('purchase_order_lines').column('material_id').execute();

    await db.schema
      .createTable('goods_receipts')
      .addColumn('document_number', 'text', (c) => c.primaryKey())
      .addColumn('po_number', 'text', (c) => c.notNull())
      .addColumn('line_number', 'integer', (c) => c.notNull())
      // A lot is received once: its supplier is the supplier of that receipt.
      .addColumn('lot_id', 'text', (c) => c.notNull().unique())
      .addColumn('quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`quantity > 0`))
      .addColumn('received_at', 'timestamptz', (c) => c.notNull())
      .addForeignKeyConstraint('goods_receipts_line_fk', ['po_number', 'line_number'], 'purchase_order_lines', ['po_number', 'line_number'])
      .execute();
    await db.schema
      .createIndex('goods_receipts_line_idx')
      .on('goods_receipts')
      .columns(['po_number', 'line_number', 'received_at'])
      .execute();
    await db.schema.createIndex('goods_receipts_received_at_idx').on('goods_receipts').column('received_at').execute();

    await db.schema
      .createTable('sales_orders')
      .addColumn('number', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('OPEN','IN_DELIVERY','COMPLETED','CANCELLED')`))
      .addColumn('order_date', 'date', (c) => c.notNull())
      .addColumn('requested_delivery_date', 'date', (c) => c.notNull())
      .addCheckConstraint('sales_orders_delivery_after_order', sql`requested_delivery_date >= order_date`)
      .execute();
    await db.schema
      .createIndex('sales_orders_customer_status_idx')
      .on('sales_orders')
      .columns(['customer_id', 'status', 'requested_delivery_date'])
      .execute();

    await db.schema
      .createTable('outbound_deliveries')
      .addColumn('document_number', 'text', (c) => c.primaryKey())
      .addColumn('sales_order_number', 'text', (c) => c.notNull().references('sales_orders.number'))
      .addColumn('shipped_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('outbound_deliveries_sales_order_idx').on('outbound_deliveries').column('sales_order_number').execute();

    await db.schema
      .createTable('delivery_lots')
      .addColumn('delivery_number', 'text', (c) => c.notNull().references('outbound_deliveries.document_number'))
      .addColumn('lot_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`quantity > 0`))
      .addPrimaryKeyConstraint('delivery_lots_pk', ['delivery_number', 'lot_id'])
      .execute();
    await db.schema.createIndex('delivery_lots_lot_idx').on('delivery_lots').columns(['lot_id', 'delivery_number']).execute();
  },
  async down(db: Kysely<any>) {
    for (const table of [
      'delivery_lots',
      'outbound_deliveries',
      'sales_orders',
      'goods_receipts',
      'purchase_order_lines',
      'purchase_orders',
      'suppliers',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
