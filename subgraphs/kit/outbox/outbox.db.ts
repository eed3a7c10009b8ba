import type { ColumnType, Generated } from 'kysely';

/** Where a command stands: waiting to be (re)sent, delivered, or set aside after repeated failures. */
export type CommandStatus = 'PENDING' | 'DELIVERED' | 'PARKED';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** One command to another system, written in the same transaction as the state change it follows. */
export interface OutboxCommandTable {
  id: Generated<string>;
  /** Place in the order commands were written; one subject's commands are delivered in this order. */
  seq: Generated<number>;
  /** Unique: enqueueing the same key twice keeps one command, and the target records it to apply it once. */
  idempotencyKey: string;
  /** Which handler of the enqueuing system applies the outcome (e.g. `inventory.postAdjustment`). */
  type: string;
  targetSystem: string;
  /** What the command is about (e.g. `CountTask:CT0000001`), so its delivery can be shown beside it. */
  subject: string | null;
  /** The GraphQL operation sent to the gateway. */
  document: string;
  variables: ColumnType<Record<string, unknown>, string, string>;
  status: ColumnType<CommandStatus, CommandStatus | undefined, CommandStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  nextAttemptAt: Timestamp;
  lastError: string | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  updatedAt: Timestamp;
  deliveredAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The outbox table as Kysely sees it; a system's database interface extends it. */
export interface OutboxDatabase {
  outboxCommands: OutboxCommandTable;
}
