export type { CommandStatus as CommandStatusValue, OutboxDatabase, OutboxCommandTable } from './outbox.db';
export { outboxMigration } from './outbox.migration';
export {
  enqueueCommand,
  findLatestCommandsBySubjects,
  findCommandById,
  listCommands,
  retryParkedCommand,
  type NewCommand,
  type OutboxCommandRow,
  type RetryOutcome,
} from './outbox.repository';
export { createRelay, backoffDelay, UnusableResultError, type CommandHandler, type OutboxHandlers, type Relay, type RelayOptions } from './relay';
export { CommandDelivery, CommandStatus } from './outbox.type';
export { createOutboxResolver, type OutboxResolverOptions } from './outbox.resolver';
