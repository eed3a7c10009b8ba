import { sql, type Kysely, type Migration } from 'kysely';

const SEVERITIES = sql`('MINOR','MAJOR','CRITICAL')`;

/** Audits with their answers and findings. */
export const auditsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('audits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('audit_type', 'text', (c) => c.notNull().check(sql`audit_type in ('LAYERED_PROCESS','FIVE_S','SAFETY','PRODUCT')`))
      .addColumn('layer', 'integer', (c) => c.check(sql`layer between 1 and 3`))
      .addColumn('checklist_name', 'text', (c) => c.notNull())
      .addColumn('work_center_id', 'text', (c) => c.notNull())
      .addColumn('material_id', 'text')
      .addColumn('auditor', 'text', (c) => c.notNull().check(sql`length(trim(auditor)) > 0`))
      .addColumn('scheduled_for', 'date', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('SCHEDULED','IN_PROGRESS','COMPLETED','MISSED')`))
      .addColumn('conformance_rate', 'numeric(5, 4)', (c) => c.check(sql`conformance_rate between 0 and 1`))
      .addColumn('questions_checked', 'integer', (c) => c.check(sql`questions_checked > 0`))
      .addColumn('completed_at', 'timestamptz')
      // Layered process audits have a layer (1 supervisor, 2 area manager, 3 plant manager); other audits have none.
      .addCheckConstraint('audits_layer_iff_lpa', sql`(audit_type = 'LAYERED_PROCESS') = (layer is not null)`)
      .addCheckConstraint(
        'audits_completed_has_rate',
        sql`(status = 'COMPLETED') = (conformance_rate is not null and questions_checked is not null and completed_at is not null)`,
      )
      .execute();
    await db.schema.createIndex('audits_work_center_idx').on('audits').columns(['work_center_id', 'scheduled_for']).execute();
    await db.schema.createIndex('audits_status_idx').on('audits').columns(['status', 'scheduled_for']).execute();
    await db.schema.createIndex('audits_scheduled_for_idx').on('audits').column('scheduled_for').execute();
    await sql`create sequence audit_number`.execute(db);

    await db.schema
      .createTable('audit_responses')
      .addColumn('audit_id', 'text', (c) => c.notNull().references('audits.id'))
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 1`))
      .addColumn('conforming', 'boolean', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.check(sql`severity in ${SEVERITIES}`))
      .addColumn('countermeasure', 'text')
      .addPrimaryKeyConstraint('audit_responses_pk', ['audit_id', 'question'])
      .addCheckConstraint('audit_responses_severity_iff_nonconforming', sql`conforming = (severity is null)`)
      .execute();

    await db.schema
      .createTable('audit_findings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('audit_id', 'text', (c) => c.notNull().references('audits.id'))
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ${SEVERITIES}`))
      .addColumn('countermeasure', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('OPEN','CLOSED')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('closed_at', 'timestamptz')
      .addColumn('escalated_at', 'timestamptz')
      .addColumn('nonconformance_id', 'text', (c) => c.unique())
      .addUniqueConstraint('audit_findings_question_unique', ['audit_id', 'question'])
      .addCheckConstraint('audit_findings_closed_has_time', sql`(status = 'CLOSED') = (closed_at is not null)`)
      .addCheckConstraint('audit_findings_closed_has_countermeasure', sql`status <> 'CLOSED' or countermeasure is not null`)
      .addCheckConstraint('audit_findings_ncr_after_escalation', sql`nonconformance_id is null or escalated_at is not null`)
      .execute();
    await db.schema.createIndex('audit_findings_audit_idx').on('audit_findings').column('audit_id').execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['audit_findings', 'audit_responses', 'audits']) await db.schema.dropTable(table).execute();
    await sql`drop sequence audit_number`.execute(db);
  },
};
