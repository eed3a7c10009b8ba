export type { CommandStatus as CommandStatusValue, OutboxDatabase, OutboxCommandTable } from './outbox.db';
export { outboxMigration } from './outbox.migration';
export { outboxOrderMigration } from './outbox-order.migration';
export {
  enqueueCommand,
  findLatestCommandsBySubjects,
  findCommandById,
  listCommands,
  retryParkedCommand,
  retryParkedCommands,
  summarizeOutbox,
  type OutboxSummary,
  type NewCommand,
  type OutboxCommandRow,
  type RetryOutcome,
} from './outbox.repository';
export {
  createRelay,
  backoffDelay,
  UnusableResultError,
  type CommandHandler,
  type OutboxHandlers,
  type Relay,
  type RelayOptions,
} from './relay';
export { DEFAULT_RETRY_BUDGET, retryBudgetFromEnv, shortestRetryWindowMs, type RetryBudget } from './relay-config';
export { CommandDelivery, CommandStatus } from './outbox.type';
export { createOutboxResolver, type OutboxResolverOptions } from './outbox.resolver';
