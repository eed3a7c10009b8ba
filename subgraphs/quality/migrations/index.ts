import { changeEventsMigration } from '../../kit/events/change-events.migration';
import { changeStatesMigration } from '../../kit/events/change-states.migration';
import type { Migrations } from '../../../platform/db/migrate';
import { outboxMigration, outboxOrderMigration } from '../../kit/outbox';
import { qualityMigration } from './001_quality';
import { decisionChecksMigration } from './003_decision_checks';
import { qualityMaterialNumbersMigration } from './007_material_numbers';
import { idempotencyMigration } from '../../kit/idempotency';
import { qualityTextLimitsMigration } from './008_text_limits';
import { qualityPagingIndexesMigration } from './010_paging_indexes';

/** Quality's schema history. */
export const qualityMigrations: Migrations = {
  '001_quality': qualityMigration,
  '002_outbox': outboxMigration,
  '003_decision_checks': decisionChecksMigration,
  '005_idempotency': idempotencyMigration,
  '006_outbox_order': outboxOrderMigration,
  '007_material_numbers': qualityMaterialNumbersMigration,
  '008_text_limits': qualityTextLimitsMigration,
  '009_change_events': changeEventsMigration,
  '010_paging_indexes': qualityPagingIndexesMigration,
  '011_change_states': changeStatesMigration,
};
