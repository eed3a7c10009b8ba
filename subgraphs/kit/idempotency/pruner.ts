import type { Kysely } from 'kysely';
import type { Logger } from '../../../platform/logger';
import type { IdempotencyDatabase } from './idempotency.db';
import { pruneKeys } from './idempotency.repository';

export interface IdempotencyPrunerOptions {
  /** How long an applied key is kept; a repeat after that runs as a new request. */
  retentionMs: number;
  /**
   * How often old keys are deleted.
   * @default 3_600_000 (one hour)
   */
  everyMs?: number;
  logger?: Logger;
}

/**
 * Deletes applied idempotency keys older than the retention, at start and then periodically, so
 * that the table holds a bounded window of keys. Replicas may prune at the same time: the delete
 * is idempotent. A failed pass is logged and tried again on the next one.
 */
export function startIdempotencyPruner(database: Kysely<any>, options: IdempotencyPrunerOptions): { stop(): Promise<void> } {
  // Every system migrates the table (its `…_idempotency` migration), whatever its own schema type.
  const db = database as Kysely<IdempotencyDatabase>;
  let running: Promise<void> | undefined;
  const pass = () => {
    running ??= pruneKeys(db, new Date(Date.now() - options.retentionMs))
      .then((deleted) => {
        if (deleted > 0) options.logger?.info({ deleted, retentionMs: options.retentionMs }, 'idempotency keys pruned');
      })
      .catch((err: unknown) =>
        options.logger?.warn({ err: (err as Error).message }, 'idempotency keys: pruning failed; trying again later'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  pass();
  const timer = setInterval(pass, options.everyMs ?? 3_600_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
