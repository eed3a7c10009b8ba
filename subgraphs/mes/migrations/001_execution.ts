import { sql, type Kysely, type Migration } from 'kysely';

/** Equipment hierarchy, work-order execution, lots and their genealogy. */
export const executionMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('work_centers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().check(sql`length(trim(name)) > 0`))
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('area', 'text', (c) => c.notNull().check(sql`length(trim(area)) > 0`))
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('RUNNING','IDLE','DOWN','CHANGEOVER','PLANNED_DOWNTIME')`))
      .addColumn('state_reason_code', 'text')
      .addColumn('state_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('work_centers_site_name_key', ['site_id', 'name'])
      .execute();
    await db.schema.createIndex('work_centers_site_area_idx').on('work_centers').columns(['site_id', 'area', 'id']).execute();

    await db.schema
      .createTable('work_orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('dispatch_status', 'text', (c) =>
        c.notNull().check(sql`dispatch_status in ('WAITING','READY','RUNNING','HELD','SUSPENDED','COMPLETED','ABORTED','CLOSED')`),
      )
      .addColumn('good_quantity', 'numeric(16, 3)', (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`good_quantity >= 0`),
      )
      .addColumn('scrap_quantity', 'numeric(16, 3)', (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`scrap_quantity >= 0`),
      )
      .addColumn('work_center_id', 'text', (c) => c.references('work_centers.id'))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      // An order is waiting until it is dispatched, and dispatched means to a work center.
      .addCheckConstraint('work_orders_dispatched_to_work_center', sql`dispatch_status = 'WAITING' or work_center_id is not null`)
      .execute();
    await db.schema.createIndex('work_orders_work_center_idx').on('work_orders').columns(['work_center_id', 'dispatch_status']).execute();

    await db.schema
      .createTable('lots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`quantity >= 0`))
      .addColumn('lifecycle_status', 'text', (c) =>
        c.notNull().check(sql`lifecycle_status in ('IN_PROCESS','AVAILABLE','CONSUMED','SHIPPED','SCRAPPED')`),
      )
      .addColumn('produced_by', 'text', (c) => c.references('work_orders.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('lots_material_created_idx').on('lots').columns(['material_id', 'created_at']).execute();
    await db.schema.createIndex('lots_site_created_idx').on('lots').columns(['site_id', 'created_at']).execute();
    await db.schema.createIndex('lots_created_idx').on('lots').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('lots_produced_by_idx').on('lots').columns(['produced_by', 'id']).execute();
    // Lot numbers MES assigns to new output lots; the seed moves it past the seeded lots.
    await sql`create sequence lot_numbers`.execute(db);

    await db.schema
      .createTable('genealogy_edges')
      .addColumn('consumed_lot_id', 'text', (c) => c.notNull().references('lots.id'))
      .addColumn('produced_lot_id', 'text', (c) => c.notNull().references('lots.id'))
      .addColumn('quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`quantity > 0`))
      .addPrimaryKeyConstraint('genealogy_edges_pk', ['produced_lot_id', 'consumed_lot_id'])
      .addCheckConstraint('genealogy_edges_not_self', sql`consumed_lot_id <> produced_lot_id`)
      .execute();
    // The primary key serves backward traces (by produced lot); this index serves forward ones.
    await db.schema
      .createIndex('genealogy_edges_consumed_idx')
      .on('genealogy_edges')
      .columns(['consumed_lot_id', 'produced_lot_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('genealogy_edges').execute();
    await sql`drop sequence lot_numbers`.execute(db);
    for (const table of ['lots', 'work_orders', 'work_centers']) await db.schema.dropTable(table).execute();
  },
};
