import type { Migrations } from '../../kit/db/migrate';
import { outboxMigration } from '../../kit/outbox';
import { qualityMigration } from './001_quality';

/** Quality's schema history. */
export const qualityMigrations: Migrations = {
  '001_quality': qualityMigration,
  '002_outbox': outboxMigration,
};
