import { sql, type Kysely, type Migration } from 'kysely';

const INSPECTION_TYPES = sql`('RECEIVING','IN_PROCESS','FINAL','FIRST_ARTICLE')`;

/** The inspection plan's characteristics per inspection type, with their specification limits. */
const PLAN = [
  ['RECEIVING', 'Diameter (mm)', 9.95, 10.05, false],
  ['RECEIVING', 'Moisture (%)', null, 0.5, false],
  ['RECEIVING', 'Packaging intact', null, null, true],
  ['RECEIVING', 'Certificate of conformance', null, null, true],
  ['IN_PROCESS', 'Torque (Nm)', 24, 26, false],
  ['IN_PROCESS', 'Process temperature (C)', 180, 200, false],
  ['IN_PROCESS', 'Surface finish', null, null, true],
  ['FINAL', 'Length (mm)', 99.8, 100.2, false],
  ['FINAL', 'Weight (g)', 495, 505, false],
  ['FINAL', 'Leak test', null, null, true],
  ['FINAL', 'Label correct', null, null, true],
  ['FIRST_ARTICLE', 'Length (mm)', 99.8, 100.2, false],
  ['FIRST_ARTICLE', 'Hole position (mm)', 24.95, 25.05, false],
  ['FIRST_ARTICLE', 'Dimensional report complete', null, null, true],
] as const;

/** Inspection plans, inspections with measurements, holds, nonconformances and CAPA. */
export const qualityMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('plan_characteristics')
      .addColumn('inspection_type', 'text', (c) => c.notNull().check(sql`inspection_type in ${INSPECTION_TYPES}`))
      .addColumn('characteristic', 'text', (c) => c.notNull())
      .addColumn('lower_limit', 'numeric(16, 4)')
      .addColumn('upper_limit', 'numeric(16, 4)')
      .addColumn('is_attribute', 'boolean', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
      .addPrimaryKeyConstraint('plan_characteristics_pk', ['inspection_type', 'characteristic'])
      .addCheckConstraint('plan_characteristics_limits', sql`lower_limit is null or upper_limit is null or lower_limit <= upper_limit`)
      .addCheckConstraint(
        'plan_characteristics_attribute_no_limits',
        sql`not is_attribute or (lower_limit is null and upper_limit is null)`,
      )
      .execute();
    await db
      .insertInto('plan_characteristics')
      .values(
        PLAN.map(([inspectionType, characteristic, lower, upper, attribute], position) => ({
          inspection_type: inspectionType,
          characteristic,
          lower_limit: lower,
          upper_limit: upper,
          is_attribute: attribute,
          position,
        })),
      )
      .execute();

    await db.schema
      .createTable('inspections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('inspection_type', 'text', (c) => c.notNull().check(sql`inspection_type in ${INSPECTION_TYPES}`))
      .addColumn('lot_id', 'text', (c) => c.notNull())
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('lot_quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`lot_quantity >= 0`))
      .addColumn('work_order_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('OPEN','IN_PROGRESS','COMPLETED','CANCELLED')`))
      .addColumn('usage_decision', 'text', (c) => c.check(sql`usage_decision in ('ACCEPT','CONDITIONAL_ACCEPT','REJECT')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('decided_at', 'timestamptz')
      .addCheckConstraint(
        'inspections_decided_iff_completed',
        sql`(status = 'COMPLETED') = (usage_decision is not null and decided_at is not null)`,
      )
      .execute();
    await db.schema.createIndex('inspections_lot_idx').on('inspections').column('lot_id').execute();
    await db.schema
      .createIndex('inspections_work_order_idx')
      .on('inspections')
      .column('work_order_id')
      .where(sql.ref('work_order_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('inspections_site_status_idx')
      .on('inspections')
      .columns(['site_id', 'status', 'inspection_type'])
      .execute();
    await sql`create sequence inspection_number`.execute(db);

    await db.schema
      .createTable('measurements')
      .addColumn('inspection_id', 'text', (c) => c.notNull().references('inspections.id'))
      .addColumn('characteristic', 'text', (c) => c.notNull())
      .addColumn('lower_limit', 'numeric(16, 4)')
      .addColumn('upper_limit', 'numeric(16, 4)')
      .addColumn('measured_value', 'numeric(16, 4)')
      .addColumn('attribute_ok', 'boolean')
      .addColumn('conforming', 'boolean', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
      .addColumn('measured_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('measurements_pk', ['inspection_id', 'characteristic'])
      .addCheckConstraint('measurements_has_result', sql`measured_value is not null or attribute_ok is not null`)
      .execute();

    await db.schema
      .createTable('quality_holds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lot_id', 'text', (c) => c.notNull())
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'numeric(16, 3)', (c) => c.notNull().check(sql`quantity >= 0`))
      .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(trim(reason)) > 0`))
      .addColumn('inspection_id', 'text', (c) => c.references('inspections.id'))
      .addColumn('placed_at', 'timestamptz', (c) => c.notNull())
      .addColumn('released_at', 'timestamptz')
      .addColumn('release_justification', 'text')
      .addColumn('erp_block_document', 'text')
      .addColumn('erp_release_document', 'text')
      .addCheckConstraint('quality_holds_release_justified', sql`(released_at is null) = (release_justification is null)`)
      .addCheckConstraint('quality_holds_release_after_placing', sql`released_at is null or released_at >= placed_at`)
      .execute();
    await db.schema.createIndex('quality_holds_lot_idx').on('quality_holds').column('lot_id').execute();
    // A lot is held once at a time: ERP blocks its stock once.
    await db.schema
      .createIndex('quality_holds_one_open_per_lot')
      .on('quality_holds')
      .column('lot_id')
      .unique()
      .where(sql.ref('released_at'), 'is', null)
      .execute();
    await db.schema
      .createIndex('quality_holds_open_material_idx')
      .on('quality_holds')
      .column('material_id')
      .where(sql.ref('released_at'), 'is', null)
      .execute();
    await sql`create sequence hold_number`.execute(db);

    await db.schema
      .createTable('nonconformances')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) =>
        c.notNull().check(sql`source in ('INSPECTION','AUDIT','CUSTOMER_COMPLAINT','SUPPLIER','PRODUCTION')`),
      )
      .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('MINOR','MAJOR','CRITICAL')`))
      .addColumn('description', 'text', (c) => c.notNull().check(sql`length(trim(description)) > 0`))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('OPEN','CONTAINED','DISPOSITIONED','CLOSED')`))
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('lot_id', 'text')
      .addColumn('customer_id', 'text')
      .addColumn('supplier_id', 'text')
      .addColumn('nonconforming_quantity', 'numeric(16, 3)', (c) => c.check(sql`nonconforming_quantity >= 0`))
      .addColumn('disposition', 'text', (c) => c.check(sql`disposition in ('USE_AS_IS','REWORK','SCRAP','RETURN_TO_SUPPLIER')`))
      .addColumn('inspection_id', 'text', (c) => c.references('inspections.id'))
      .addColumn('source_finding_id', 'text', (c) => c.unique())
      .addColumn('reported_at', 'timestamptz', (c) => c.notNull())
      .addColumn('dispositioned_at', 'timestamptz')
      .addCheckConstraint('nonconformances_complaint_has_customer', sql`source <> 'CUSTOMER_COMPLAINT' or customer_id is not null`)
      .addCheckConstraint('nonconformances_supplier_has_supplier', sql`source <> 'SUPPLIER' or supplier_id is not null`)
      .addCheckConstraint('nonconformances_finding_is_audit', sql`source_finding_id is null or source = 'AUDIT'`)
      .addCheckConstraint('nonconformances_disposition_status', sql`(disposition is not null) = (status in ('DISPOSITIONED','CLOSED'))`)
      .execute();
    await db.schema.createIndex('nonconformances_status_idx').on('nonconformances').columns(['status', 'reported_at']).execute();
    await db.schema
      .createIndex('nonconformances_customer_idx')
      .on('nonconformances')
      .column('customer_id')
      .where(sql.ref('customer_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('nonconformances_supplier_idx')
      .on('nonconformances')
      .columns(['supplier_id', 'reported_at'])
      .where(sql.ref('supplier_id'), 'is not', null)
      .execute();
    await sql`create sequence nonconformance_number`.execute(db);

    await db.schema
      .createTable('capas')
      .addColumn('nonconformance_id', 'text', (c) => c.primaryKey().references('nonconformances.id'))
      .addColumn('root_cause', 'text')
      .addColumn('corrective_action', 'text', (c) => c.notNull().check(sql`length(trim(corrective_action)) > 0`))
      .addColumn('due_date', 'date', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('OPEN','IN_PROGRESS','VERIFYING','CLOSED')`))
      .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['capas', 'nonconformances', 'quality_holds', 'measurements', 'inspections', 'plan_characteristics']) {
      await db.schema.dropTable(table).execute();
    }
    await sql`drop sequence nonconformance_number, hold_number, inspection_number`.execute(db);
  },
};
