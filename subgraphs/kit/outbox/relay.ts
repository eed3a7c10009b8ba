import type { Kysely, Transaction } from 'kysely';
import { Counter } from 'prom-client';
import type { Logger } from '../../../platform/logger';
import { registry } from '../../../platform/metrics';
import {
  claimCommand,
  claimNextDueCommand,
  hasDueCommand,
  recordDelivered,
  recordFailure,
  wakeWaitingCommands,
  type OutboxCommandRow,
} from './outbox.repository';
import { DEFAULT_RETRY_BUDGET } from './relay-config';
import { watchOutbox } from './outbox-metrics';

/** Applies a delivered command's outcome to the enqueuing system, inside the transaction that records the delivery. */
export interface CommandHandler<TDatabase> {
  onDelivered(trx: Transaction<TDatabase>, command: OutboxCommandRow, result: Record<string, unknown>): Promise<void>;
  /** Called in the transaction that parks the command, when it will not be tried again on its own. */
  onParked?(trx: Transaction<TDatabase>, command: OutboxCommandRow, error: string): Promise<void>;
}

/**
 * Thrown by `onDelivered` when the answer can never be applied (e.g. the target does not know the
 * thing the command is about): the command is parked at once instead of being re-sent.
 */
export class UnusableResultError extends Error {
  override readonly name = 'UnusableResultError';
}

/** A system's handlers, by command type. */
export type OutboxHandlers<TDatabase> = Readonly<Record<string, CommandHandler<TDatabase>>>;

export interface RelayOptions<TDatabase> {
  /** The system whose outbox this relay drains (logs, metrics). */
  system: string;
  db: Kysely<TDatabase>;
  /** The gateway's GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  gatewayUrl: string;
  handlers: OutboxHandlers<TDatabase>;
  /** Extra request headers per command, e.g. the relay's service identity. */
  headers?: (command: OutboxCommandRow) => Record<string, string> | Promise<Record<string, string>>;
  /**
   * Failed attempts after which a command is parked until someone retries it. With the default
   * delays, 500 attempts span more than four hours of a system being down.
   * @default 500
   */
  maxAttempts?: number;
  /**
   * Delay after the first failure; each further failure doubles it (with jitter).
   * @default 1000
   */
  baseDelayMs?: number;
  /**
   * Longest delay between two attempts: also the longest a command waits after its target is back.
   * @default 60000
   */
  maxDelayMs?: number;
  /**
   * How often an idle relay looks for due commands.
   * @default 500
   */
  pollIntervalMs?: number;
  /**
   * How long one delivery may take before it counts as failed.
   * @default 10000
   */
  requestTimeoutMs?: number;
  logger?: Logger;
  /** Source of jitter in [0, 1); tests pass their own. */
  random?: () => number;
}

export interface Relay {
  /** Starts polling in the background; never throws, never crashes the process. */
  start(): void;
  /** Stops polling and waits for the delivery in progress to be recorded. */
  stop(): Promise<void>;
  /** Delivers every command due now, one at a time; resolves to the number of attempts made. */
  drain(): Promise<number>;
}

const relayFailures = new Counter({
  name: 'plantgraph_outbox_relay_failures_total',
  help: 'Relay passes cut short by the outbox database (unreachable, connection lost); the command in flight is sent again',
  labelNames: ['system'] as const,
  registers: [registry],
});

const deliveries = new Counter({
  name: 'plantgraph_outbox_deliveries_total',
  help: 'Outbox delivery attempts, per system and outcome (delivered, retry, parked)',
  labelNames: ['system', 'outcome'] as const,
  registers: [registry],
});

// Errors no retry will cure: the operation itself is wrong, so it waits for a person at once.
// A key the target applied with another payload stays so (IDEMPOTENCY_KEY_REUSED).
const PERMANENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'INVALID_STATE',
  'IDEMPOTENCY_KEY_REUSED',
]);

type Attempt = { ok: true; data: Record<string, unknown> } | { ok: false; error: string; permanent: boolean };

/** The delay before attempt `attempts + 1`: exponential, capped, with jitter so replicas do not retry in step. */
export function backoffDelay(attempts: number, baseMs: number, maxMs: number, random: () => number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

async function send(url: string, command: OutboxCommandRow, headers: Record<string, string>, timeoutMs: number): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': command.idempotencyKey, ...headers },
      body: JSON.stringify({ query: command.document, variables: command.variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: `gateway unreachable: ${(err as Error).message}${cause ? ` (${cause})` : ''}`, permanent: false };
  }
  let body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    return { ok: false, error: `gateway answered HTTP ${response.status} without a GraphQL body`, permanent: false };
  }
  if (body.errors?.length) {
    const codes = body.errors.map((e) => e.extensions?.code).filter((c): c is string => !!c);
    const error = body.errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join('; ');
    return { ok: false, error, permanent: codes.length > 0 && codes.every((c) => PERMANENT_CODES.has(c)) };
  }
  if (!body.data) return { ok: false, error: `gateway answered HTTP ${response.status} with no data`, permanent: false };
  return { ok: true, data: body.data };
}

/**
 * Creates the relay that delivers a system's outbox through the gateway. Each command is claimed
 * with `FOR UPDATE SKIP LOCKED` and stays locked until its delivery is recorded, so two relays
 * never send the same command at once, and a relay that dies mid-delivery leaves the command
 * pending (the target's idempotency key absorbs the re-send).
 */
export function createRelay<TDatabase>(options: RelayOptions<TDatabase>): Relay {
  const {
    system,
    db,
    gatewayUrl,
    handlers,
    maxAttempts = DEFAULT_RETRY_BUDGET.maxAttempts,
    baseDelayMs = DEFAULT_RETRY_BUDGET.baseDelayMs,
    maxDelayMs = DEFAULT_RETRY_BUDGET.maxDelayMs,
    pollIntervalMs = 500,
    requestTimeoutMs = 10_000,
    logger,
    random = Math.random,
  } = options;
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let busy: Promise<unknown> = Promise.resolve();
  let unwatch: (() => void) | undefined;

  /** One command in one transaction; false when none was due. */
  async function deliverNext(): Promise<boolean> {
    let failure: { command: OutboxCommandRow; error: string; permanent: boolean } | undefined;
    const delivered = await db
      .transaction()
      .execute(async (trx) => {
        const command = await claimNextDueCommand(trx);
        if (!command) return false;
        const headers = (await options.headers?.(command)) ?? {};
        const attempt = await send(gatewayUrl, command, headers, requestTimeoutMs);
        if (attempt.ok) {
          const handler = handlers[command.type];
          await recordDelivered(trx, command.id, attempt.data);
          if (handler) {
            try {
              await handler.onDelivered(trx, command, attempt.data);
            } catch (err) {
              // The delivery happened, but applying it failed: undo the record and retry later.
              failure = {
                command,
                error: `applying the result failed: ${(err as Error).message}`,
                permanent: err instanceof UnusableResultError,
              };
              throw err;
            }
          } else {
            logger?.warn({ system, type: command.type }, 'outbox: no handler for a delivered command type');
          }
          // The target answers again after failures: what waits for it in backoff goes now, not in a minute.
          if (command.attempts > 0) await wakeWaitingCommands(trx, command.targetSystem);
          deliveries.labels(system, 'delivered').inc();
          logger?.info({ system, command: command.id, type: command.type, key: command.idempotencyKey }, 'outbox: delivered');
          return true;
        }
        await fail(trx, command, attempt.error, attempt.permanent);
        return true;
      })
      .catch(async (err) => {
        if (!failure) throw err;
        await db.transaction().execute(async (trx) => {
          const command = await claimCommand(trx, failure!.command.id);
          if (command) await fail(trx, command, failure!.error, failure!.permanent);
        });
        return true;
      });
    return delivered;
  }

  async function fail(trx: Transaction<TDatabase>, command: OutboxCommandRow, error: string, permanent: boolean): Promise<void> {
    const park = permanent || command.attempts + 1 >= maxAttempts;
    const retryInMs = backoffDelay(command.attempts + 1, baseDelayMs, maxDelayMs, random);
    await recordFailure(trx, command.id, error, park ? { park: true } : { park: false, retryInMs });
    if (park) await handlers[command.type]?.onParked?.(trx, command, error);
    deliveries.labels(system, park ? 'parked' : 'retry').inc();
    logger?.warn(
      { system, command: command.id, type: command.type, attempts: command.attempts + 1, error, parked: park },
      'outbox: delivery failed',
    );
  }

  async function drainOnce(): Promise<number> {
    if (!(await hasDueCommand(db))) return 0;
    let attempts = 0;
    while (await deliverNext()) {
      attempts += 1;
      if (!running && loop) break;
    }
    return attempts;
  }

  function drain(): Promise<number> {
    // One drain at a time per relay: a second caller waits for the first, then drains what is left.
    const next = busy.then(drainOnce, drainOnce);
    busy = next.catch(() => undefined);
    return next;
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        await drain();
      } catch (err) {
        relayFailures.labels(system).inc();
        logger?.error(
          { system, err: (err as Error).message, code: (err as { code?: string }).code },
          'outbox: relay pass failed; will try again',
        );
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      unwatch = watchOutbox(system, db);
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
      unwatch?.();
      unwatch = undefined;
    },
    drain,
  };
}
