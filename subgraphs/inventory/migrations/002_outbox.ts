import { outboxMigration } from '../../kit/outbox/outbox.migration';

/** The outbox: commands to ERP written in the same transaction as the count they follow. */
export const inventoryOutboxMigration = outboxMigration;
