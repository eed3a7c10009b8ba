import { changeEventsMigration } from '../../kit/events/change-events.migration';
import { changeStatesMigration } from '../../kit/events/change-states.migration';
import { auditTrailMigration } from '../../kit/audit-trail';
import type { Migrations } from '../../../platform/db/migrate';
import { executionMigration } from './001_execution';
import { idempotencyMigration } from '../../kit/idempotency';
import { mesTextLimitsMigration } from './004_text_limits';
import { mesPagingIndexesMigration } from './006_paging_indexes';

/** MES's schema history; names sort in the order they apply. */
export const mesMigrations: Migrations = {
  '001_execution': executionMigration,
  '002_audit_trail': auditTrailMigration,
  '003_idempotency': idempotencyMigration,
  '004_text_limits': mesTextLimitsMigration,
  '005_change_events': changeEventsMigration,
  '006_paging_indexes': mesPagingIndexesMigration,
  '007_change_states': changeStatesMigration,
};
