import { sql, type Kysely, type Selectable } from 'kysely';
import type { CommandStatus, OutboxDatabase } from './outbox.db';

/** A command as read back from the outbox. */
export type OutboxCommandRow = Selectable<OutboxDatabase['outboxCommands']>;

/** What a system hands to `enqueueCommand`. */
export interface NewCommand {
  /** Unique per effect: the target system applies a key once, so re-sending is harmless. */
  idempotencyKey: string;
  /** The handler that applies the outcome when the command is delivered (see `OutboxHandlers`). */
  type: string;
  /** The system that owns the state the command changes (for people reading the outbox). */
  targetSystem: string;
  /** What the command is about, e.g. `CountTask:CT0000001`. */
  subject?: string | null;
  /** A GraphQL operation the gateway accepts. */
  document: string;
  variables?: Record<string, unknown>;
}

// The outbox functions take any system's database whose interface extends OutboxDatabase.
type AnyOutboxDb = Kysely<any>;
const outbox = (db: AnyOutboxDb) => db as unknown as Kysely<OutboxDatabase>;

/**
 * Writes a command to the outbox; call it with the transaction that writes the state change, so
 * both commit or neither does. A key already in the outbox keeps its command, which is returned.
 */
export async function enqueueCommand(trx: AnyOutboxDb, command: NewCommand): Promise<OutboxCommandRow> {
  const db = outbox(trx);
  const inserted = await db
    .insertInto('outboxCommands')
    .values({
      idempotencyKey: command.idempotencyKey,
      type: command.type,
      targetSystem: command.targetSystem,
      subject: command.subject ?? null,
      document: command.document,
      variables: JSON.stringify(command.variables ?? {}),
    })
    .onConflict((oc) => oc.column('idempotencyKey').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  return db.selectFrom('outboxCommands').selectAll().where('idempotencyKey', '=', command.idempotencyKey).executeTakeFirstOrThrow();
}

// Due, and first of its subject: a command waits while an earlier command about the same subject
// is pending (whatever its backoff), so a release never overtakes its block. Parked commands do
// not hold the queue up; the target's model has to make the rest safe without them.
const dueAndFirstOfSubject = sql<boolean>`status = 'PENDING' and next_attempt_at <= now() and not exists (
  select 1 from outbox_commands earlier
  where earlier.subject = outbox_commands.subject and earlier.status = 'PENDING' and earlier.seq < outbox_commands.seq)`;

/**
 * Locks the next due command for the rest of the transaction, skipping commands another relay
 * holds and commands behind an earlier pending command of their subject; undefined when nothing
 * can be sent now.
 */
export function claimNextDueCommand(trx: AnyOutboxDb): Promise<OutboxCommandRow | undefined> {
  return outbox(trx)
    .selectFrom('outboxCommands')
    .selectAll()
    .where(dueAndFirstOfSubject)
    .orderBy('nextAttemptAt')
    .orderBy('seq')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

/** Whether any command can be sent now, without a transaction or a lock: an idle relay's poll costs one statement. */
export async function hasDueCommand(db: AnyOutboxDb): Promise<boolean> {
  const row = await outbox(db).selectFrom('outboxCommands').select('id').where(dueAndFirstOfSubject).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Locks one pending command by id, unless another relay holds it. */
export function claimCommand(trx: AnyOutboxDb, id: string): Promise<OutboxCommandRow | undefined> {
  return outbox(trx)
    .selectFrom('outboxCommands')
    .selectAll()
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

/** Records a delivery and the target's answer. */
export async function recordDelivered(trx: AnyOutboxDb, id: string, result: unknown): Promise<void> {
  await outbox(trx)
    .updateTable('outboxCommands')
    .set({
      status: 'DELIVERED',
      attempts: sql<number>`attempts + 1`,
      result: JSON.stringify(result ?? null),
      lastError: null,
      deliveredAt: sql<Date>`now()`,
      updatedAt: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** Records a failed attempt: due again after `retryInMs`, or parked. Returns the new status and attempts. */
export async function recordFailure(
  trx: AnyOutboxDb,
  id: string,
  error: string,
  outcome: { park: true } | { park: false; retryInMs: number },
): Promise<{ status: CommandStatus; attempts: number }> {
  return outbox(trx)
    .updateTable('outboxCommands')
    .set({
      status: outcome.park ? 'PARKED' : 'PENDING',
      attempts: sql<number>`attempts + 1`,
      lastError: error.slice(0, 2_000),
      nextAttemptAt: outcome.park ? sql<Date>`next_attempt_at` : sql<Date>`now() + make_interval(secs => ${outcome.retryInMs / 1000})`,
      updatedAt: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning(['status', 'attempts'])
    .executeTakeFirstOrThrow();
}

/** Makes the pending commands to one target that wait in backoff due now (the target answered again). */
export async function wakeWaitingCommands(trx: AnyOutboxDb, targetSystem: string): Promise<void> {
  await outbox(trx)
    .updateTable('outboxCommands')
    .set({ nextAttemptAt: sql<Date>`now()` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outboxCommands')
        .select('id')
        .where('status', '=', 'PENDING')
        .where('targetSystem', '=', targetSystem)
        .where('nextAttemptAt', '>', sql<Date>`now()`)
        // Another relay's command in flight keeps its own schedule; waiting for its lock could deadlock.
        .forUpdate()
        .skipLocked(),
    )
    .execute();
}

/** The latest command about each subject (its delivery state), one statement for the whole batch. */
export function findLatestCommandsBySubjects(db: AnyOutboxDb, subjects: readonly string[]): Promise<OutboxCommandRow[]> {
  return outbox(db)
    .selectFrom('outboxCommands')
    .selectAll()
    .distinctOn('subject')
    .where('subject', '=', (eb) => eb.fn.any(eb.val(subjects)))
    .orderBy('subject')
    .orderBy('seq', 'desc')
    .execute();
}

export function findCommandById(db: AnyOutboxDb, id: string): Promise<OutboxCommandRow | undefined> {
  return outbox(db).selectFrom('outboxCommands').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Commands in the given statuses, the most recently changed first. */
export function listCommands(db: AnyOutboxDb, statuses: readonly CommandStatus[], limit: number): Promise<OutboxCommandRow[]> {
  if (statuses.length === 0) return Promise.resolve([]);
  return outbox(db)
    .selectFrom('outboxCommands')
    .selectAll()
    .where('status', '=', (eb) => eb.fn.any(eb.val(statuses)))
    .orderBy('updatedAt', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The outcome of asking to retry a command. */
export type RetryOutcome =
  { ok: true; command: OutboxCommandRow } | { ok: false; reason: 'NOT_FOUND' } | { ok: false; reason: 'NOT_PARKED'; status: CommandStatus };

/** Makes a parked command due now with a fresh round of attempts; any other status is left alone. */
export async function retryParkedCommand(db: AnyOutboxDb, id: string): Promise<RetryOutcome> {
  const updated = await outbox(db)
    .updateTable('outboxCommands')
    .set({ status: 'PENDING', attempts: 0, nextAttemptAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'PARKED')
    .returningAll()
    .executeTakeFirst();
  if (updated) return { ok: true, command: updated };
  const current = await findCommandById(db, id);
  return current ? { ok: false, reason: 'NOT_PARKED', status: current.status } : { ok: false, reason: 'NOT_FOUND' };
}

/** Makes every parked command of this outbox due now with a fresh round of attempts; returns them, oldest first. */
export function retryParkedCommands(db: AnyOutboxDb, filter: { type?: string; targetSystem?: string } = {}): Promise<OutboxCommandRow[]> {
  let update = outbox(db)
    .updateTable('outboxCommands')
    .set({ status: 'PENDING', attempts: 0, nextAttemptAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` })
    .where('status', '=', 'PARKED');
  if (filter.type) update = update.where('type', '=', filter.type);
  if (filter.targetSystem) update = update.where('targetSystem', '=', filter.targetSystem);
  return update
    .returningAll()
    .execute()
    .then((rows) => rows.sort((a, b) => a.seq - b.seq));
}

/** Pending and parked commands, counted by status (the status index serves it; delivered history is not read). */
export async function countWaitingCommands(db: AnyOutboxDb): Promise<{ PENDING: number; PARKED: number }> {
  const rows = await outbox(db)
    .selectFrom('outboxCommands')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', 'in', ['PENDING', 'PARKED'])
    .groupBy('status')
    .execute();
  const counts = { PENDING: 0, PARKED: 0 };
  for (const row of rows) if (row.status === 'PENDING' || row.status === 'PARKED') counts[row.status] = Number(row.count);
  return counts;
}

/** How an outbox stands: commands per status, and the oldest pending command's age and attempts. */
export interface OutboxSummary {
  counts: Record<CommandStatus, number>;
  oldestPending: { createdAt: Date; attempts: number; nextAttemptAt: Date; lastError: string | null } | null;
}

/** Counts commands per status and finds the oldest pending one: two statements. */
export async function summarizeOutbox(db: AnyOutboxDb): Promise<OutboxSummary> {
  const rows = await outbox(db)
    .selectFrom('outboxCommands')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const counts: Record<CommandStatus, number> = { PENDING: 0, DELIVERED: 0, PARKED: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  const oldest = await outbox(db)
    .selectFrom('outboxCommands')
    .select(['createdAt', 'attempts', 'nextAttemptAt', 'lastError'])
    .where('status', '=', 'PENDING')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return { counts, oldestPending: oldest ?? null };
}
