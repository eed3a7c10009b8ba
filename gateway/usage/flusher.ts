import type { Kysely } from 'kysely';
import type { Logger } from '../../platform/logger';
import type { UsageAggregator } from './aggregator';
import { addUsage, deleteUsageBefore, type UsageTables } from './usage.repository';
import type { UsageMetrics } from './usage.metrics';

export interface UsageFlusherOptions {
  db: Kysely<UsageTables>;
  aggregator: UsageAggregator;
  metrics: UsageMetrics;
  logger: Logger;
  /** How often held records are written. */
  flushEveryMs: number;
  /** Rows older than this are deleted. */
  retentionMs: number;
  /** How often old rows are deleted. */
  pruneEveryMs: number;
}

export interface UsageFlusher {
  /** Writes what is held now; never throws (a failure is logged and counted). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
}

/**
 * Writes the aggregator's records to the gateway database in batches, on a timer and at stop.
 * Usage is best effort: a failed write drops its records (counted in
 * `plantgraph_usage_records_dropped_total`) rather than hold memory or fail a request.
 */
export function createUsageFlusher(options: UsageFlusherOptions): UsageFlusher {
  const { db, aggregator, metrics, logger } = options;
  let running: Promise<void> = Promise.resolve();
  let lastPrune = 0;
  let failing = false;

  const write = async () => {
    const records = aggregator.take();
    try {
      if (records.length) {
        await addUsage(db, records);
        metrics.flushes.inc();
      }
      if (Date.now() - lastPrune >= options.pruneEveryMs) {
        lastPrune = Date.now();
        await deleteUsageBefore(db, new Date(Date.now() - options.retentionMs));
      }
      if (failing) logger.info('usage recording: the gateway database is writable again');
      failing = false;
    } catch (err) {
      metrics.flushFailures.inc();
      metrics.dropped.inc(records.length);
      // Logged once per outage, not at every flush.
      if (!failing)
        logger.warn(
          { err: (err as Error).message.slice(0, 200), records: records.length },
          'usage recording: cannot write to the gateway database; dropping usage until it answers',
        );
      failing = true;
    }
  };
  // One write at a time: a slow database delays the next flush instead of piling up connections.
  const flush = () => (running = running.then(write));
  const timer = setInterval(() => void flush(), options.flushEveryMs);
  timer.unref();
  return {
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
