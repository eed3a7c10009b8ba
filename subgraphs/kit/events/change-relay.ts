import type pg from 'pg';
import { Counter } from 'prom-client';
import type { ChangeBus } from '../../../platform/change-bus';
import type { Database } from '../../../platform/db/database';
import type { Logger } from '../../../platform/logger';
import { registry } from '../../../platform/metrics';
import {
  CHANGE_EVENTS_NOTIFY_CHANNEL,
  CHANGE_KEPT_MS,
  claimChangeEvents,
  hasChangeEventsTable,
  markChangeEventsPublished,
  pruneChangeEvents,
} from './change-events.repository';

const publishedTotal = new Counter({
  name: 'plantgraph_change_events_published_total',
  help: 'Change events a system published to the gateways for live subscriptions',
  labelNames: ['system'] as const,
  registers: [registry],
});

const publishFailuresTotal = new Counter({
  name: 'plantgraph_change_events_publish_failures_total',
  help: 'Rounds in which a system could not publish its change events (they stay in its table and are sent later)',
  labelNames: ['system'] as const,
  registers: [registry],
});

export interface ChangeRelayOptions {
  system: string;
  database: Database<any>;
  bus: ChangeBus;
  logger?: Logger;
  /**
   * How often the table is read when no notification arrives (a notification lost with a connection).
   * @default 1_000
   */
  pollMs?: number;
  /**
   * Events published per transaction.
   * @default 500
   */
  batchSize?: number;
  /**
   * How long a published event is kept, with the row it recorded, for reading the entity as of
   * the change (`asOfChange`).
   * @default CHANGE_KEPT_MS (15 minutes)
   */
  keepMs?: number;
}

/** How often published events past `keepMs` are removed. */
const PRUNE_EVERY_MS = 10_000;

export interface ChangeRelay {
  stop(): Promise<void>;
}

/**
 * Publishes a system's committed change events to the bus, oldest first, marks them published,
 * and removes them `keepMs` later. It wakes on the NOTIFY each writing transaction sends at commit, and reads the table
 * every `pollMs` anyway. Replicas of a system share the table; locked rows are skipped, so each
 * event is published by one of them.
 */
export function startChangeRelay(options: ChangeRelayOptions): ChangeRelay {
  const { system, database, bus, logger } = options;
  const pollMs = options.pollMs ?? 1_000;
  const batchSize = options.batchSize ?? 500;
  const keepMs = options.keepMs ?? CHANGE_KEPT_MS;
  let prunedAt = 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  let pending = false;
  let listener: pg.PoolClient | undefined;

  const sleep = () =>
    new Promise<void>((resolve) => {
      if (pending) return resolve();
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function listen(): Promise<void> {
    try {
      const client = await database.pool.connect();
      client.on('notification', () => {
        pending = true;
        wake?.();
      });
      client.on('error', () => {
        // The pool replaces the connection; the poll covers the gap and the next round listens again.
        if (listener === client) listener = undefined;
      });
      await client.query(`listen ${CHANGE_EVENTS_NOTIFY_CHANNEL}`);
      if (stopped) client.release(true);
      else listener = client;
    } catch (err) {
      logger?.debug({ system, err: (err as Error).message }, 'change relay: cannot listen for notifications yet; polling');
    }
  }

  async function drain(): Promise<void> {
    for (;;) {
      pending = false;
      const count = await database.db.transaction().execute(async (trx) => {
        const rows = await claimChangeEvents(trx, batchSize);
        for (const row of rows) {
          await bus.publish({
            field: row.field,
            scope: row.scope,
            key: row.entityKey,
            system,
            seq: Number(row.seq),
            writtenAt: new Date(row.writtenAt).getTime(),
          });
        }
        await markChangeEventsPublished(
          trx,
          rows.map((r) => Number(r.seq)),
        );
        return rows.length;
      });
      publishedTotal.labels(system).inc(count);
      if (count < batchSize) break;
    }
    if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
      await pruneChangeEvents(database.db, keepMs);
      prunedAt = Date.now();
    }
  }

  const loop = (async () => {
    // A system without live fields has no table: nothing to relay.
    while (!stopped) {
      try {
        if (!(await hasChangeEventsTable(database.db))) return;
        break;
      } catch {
        await sleep();
      }
    }
    while (!stopped) {
      if (!listener) await listen();
      try {
        await drain();
      } catch (err) {
        publishFailuresTotal.labels(system).inc();
        logger?.warn({ system, err: (err as Error).message }, 'change relay: could not publish change events; they wait in the table');
      }
      if (!stopped) await sleep();
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      listener?.release(true);
      listener = undefined;
    },
  };
}
