import { sql, type Kysely, type Migration } from 'kysely';

/** What the count workflow records beyond the first count: the recount, the decision, the posting. */
export const countWorkflowMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('count_tasks')
      .addColumn('recounted_by', 'text')
      .addColumn('recounted_at', 'timestamptz')
      .addColumn('approved_at', 'timestamptz')
      .addColumn('rejection_reason', 'text')
      .addColumn('posted_at', 'timestamptz')
      .execute();
    await db.schema
      .alterTable('count_tasks')
      .addCheckConstraint('count_tasks_recount_needs_count', sql`recount_quantity is null or counted_quantity is not null`)
      .execute();
    await db.schema
      .alterTable('count_tasks')
      .addCheckConstraint('count_tasks_rejected_has_reason', sql`status <> 'REJECTED' or rejection_reason is not null`)
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('count_tasks').dropConstraint('count_tasks_rejected_has_reason').execute();
    await db.schema.alterTable('count_tasks').dropConstraint('count_tasks_recount_needs_count').execute();
    await db.schema
      .alterTable('count_tasks')
      .dropColumn('recounted_by')
      .dropColumn('recounted_at')
      .dropColumn('approved_at')
      .dropColumn('rejection_reason')
      .dropColumn('posted_at')
      .execute();
  },
};
