import type { Migrations } from '../../../platform/db/migrate';
import { outboxMigration, outboxOrderMigration } from '../../kit/outbox';
import { auditsMigration } from './001_audits';
import { idempotencyMigration } from '../../kit/idempotency';
import { auditsTextLimitsMigration } from './006_text_limits';
import { auditsMaterialNumbersMigration } from './007_material_numbers';
import { auditsPagingIndexesMigration } from './008_paging_indexes';

/** Audits' schema history. */
export const auditsMigrations: Migrations = {
  '001_audits': auditsMigration,
  '002_outbox': outboxMigration,
  '004_idempotency': idempotencyMigration,
  '005_outbox_order': outboxOrderMigration,
  '006_text_limits': auditsTextLimitsMigration,
  '007_material_numbers': auditsMaterialNumbersMigration,
  '008_paging_indexes': auditsPagingIndexesMigration,
};
