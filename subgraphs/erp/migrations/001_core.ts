import { sql, type Kysely, type Migration } from 'kysely';

/** Material master, material-site stock, customers' commercial data and production orders. */
export const coreMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('sites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('materials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('material_type', 'text', (c) =>
        c.notNull().check(sql`material_type in ('RAW','SEMI_FINISHED','FINISHED','PACKAGING','MRO')`),
      )
      .addColumn('base_unit_of_measure', 'text', (c) => c.notNull())
      .addColumn('standard_cost', 'numeric(14, 4)', (c) => c.notNull().check(sql`standard_cost >= 0`))
      .addColumn('lot_controlled', 'boolean', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('material_sites')
      .addColumn('material_id', 'text', (c) => c.notNull().references('materials.id'))
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
      .addColumn('book_quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`book_quantity >= 0`))
      .addColumn('blocked_quantity', 'numeric(16, 3)', (c) => c.notNull().defaultTo(0))
      .addColumn('last_movement_at', 'timestamptz')
      .addPrimaryKeyConstraint('material_sites_pk', ['material_id', 'site_id'])
      .addCheckConstraint('material_sites_blocked_within_book', sql`blocked_quantity >= 0 and blocked_quantity <= book_quantity`)
      .execute();
    await db.schema.createIndex('material_sites_site_idx').on('material_sites').columns(['site_id', 'material_id']).execute();
    await db.schema
      .createTable('customers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('credit_limit', 'numeric(14, 2)', (c) => c.check(sql`credit_limit >= 0`))
      .execute();
    await db.schema
      .createTable('work_orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('material_id', 'text', (c) => c.notNull().references('materials.id'))
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
      .addColumn('planned_quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`planned_quantity > 0`))
      .addColumn('due_date', 'date', (c) => c.notNull())
      .addColumn('order_status', 'text', (c) =>
        c.notNull().check(sql`order_status in ('CREATED','RELEASED','TECHNICALLY_COMPLETE','CLOSED')`),
      )
      .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
      .execute();
    await db.schema.createIndex('work_orders_site_status_idx').on('work_orders').columns(['site_id', 'order_status', 'due_date']).execute();
    await db.schema.createIndex('work_orders_material_idx').on('work_orders').column('material_id').execute();
    await db.schema.createIndex('work_orders_customer_idx').on('work_orders').column('customer_id').execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['work_orders', 'customers', 'material_sites', 'materials', 'sites']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
