import { changeEventsMigration } from '../../kit/events/change-events.migration';
import { changeStatesMigration } from '../../kit/events/change-states.migration';
import type { Migrations } from '../../../platform/db/migrate';
import { countingMigration } from './001_counting';
import { inventoryOutboxMigration } from './002_outbox';
import { countWorkflowMigration } from './003_count_workflow';
import { outboxOrderMigration } from '../../kit/outbox/outbox-order.migration';
import { idempotencyMigration } from '../../kit/idempotency';
import { inventoryTextLimitsMigration } from './007_text_limits';
import { inventoryPagingIndexesMigration } from './009_paging_indexes';
import { bookByKeyMigration } from './010_book_by_key';

/** Inventory's schema history. */
export const inventoryMigrations: Migrations = {
  '001_counting': countingMigration,
  '002_outbox': inventoryOutboxMigration,
  '003_count_workflow': countWorkflowMigration,
  '005_idempotency': idempotencyMigration,
  '006_outbox_order': outboxOrderMigration,
  '007_text_limits': inventoryTextLimitsMigration,
  '008_change_events': changeEventsMigration,
  '009_paging_indexes': inventoryPagingIndexesMigration,
  '010_book_by_key': bookByKeyMigration,
  '011_change_states': changeStatesMigration,
};
