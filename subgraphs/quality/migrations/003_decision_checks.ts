import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A usage decision exists exactly when the inspection is COMPLETED, and has its time; the first
 * check let an undecided inspection carry a decision without a time.
 */
export const decisionChecksMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`alter table inspections drop constraint inspections_decided_iff_completed`.execute(db);
    await sql`alter table inspections add constraint inspections_decision_iff_completed check ((status = 'COMPLETED') = (usage_decision is not null))`.execute(
      db,
    );
    await sql`alter table inspections add constraint inspections_decision_has_time check ((usage_decision is null) = (decided_at is null))`.execute(
      db,
    );
  },
  async down(db: Kysely<any>) {
    await sql`alter table inspections drop constraint inspections_decision_has_time`.execute(db);
    await sql`alter table inspections drop constraint inspections_decision_iff_completed`.execute(db);
    await sql`alter table inspections add constraint inspections_decided_iff_completed check ((status = 'COMPLETED') = (usage_decision is not null and decided_at is not null))`.execute(
      db,
    );
  },
};
