import type { Migrations } from '../../kit/db/migrate';
import { outboxMigration } from '../../kit/outbox';
import { auditsMigration } from './001_audits';

/** Audits' schema history. */
export const auditsMigrations: Migrations = {
  '001_audits': auditsMigration,
  '002_outbox': outboxMigration,
};
