import { changeEventsMigration } from '../../kit/events/change-events.migration';
import { changeStatesMigration } from '../../kit/events/change-states.migration';
import type { Migrations } from '../../../platform/db/migrate';
import { coreMigration } from './001_core';
import { postingsMigration } from './002_postings';
import { partnersMigration } from './003_partners';
import { erpIdempotencyMigration } from './005_idempotency';
import { stockStatusPerHoldMigration } from './006_stock_status_per_hold';
import { erpTextLimitsMigration } from './007_text_limits';
import { pagingIndexesMigration } from './009_paging_indexes';

/** ERP's schema history; names sort in the order they apply. */
export const erpMigrations: Migrations = {
  '001_core': coreMigration,
  '002_postings': postingsMigration,
  '003_partners': partnersMigration,
  '005_idempotency': erpIdempotencyMigration,
  '006_stock_status_per_hold': stockStatusPerHoldMigration,
  '007_text_limits': erpTextLimitsMigration,
  '008_change_events': changeEventsMigration,
  '009_paging_indexes': pagingIndexesMigration,
  '010_change_states': changeStatesMigration,
};
