import type { ApolloServerPlugin } from '@apollo/server';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Logger } from '../../platform/logger';
import { registry as processRegistry } from '../../platform/metrics';
import { usagePlugin, type UsagePluginOptions } from '../plugins/usage.plugin';
import { UsageAggregator } from './aggregator';
import type { UsageConfig } from './config';
import { createUsageFlusher, type UsageFlusher } from './flusher';
import { usageMetricsFor } from './usage.metrics';
import { usageTablesOf } from './usage.repository';

export { loadUsageConfig, type UsageConfig } from './config';

export interface UsageOptions extends UsageConfig {
  /**
   * The gateway database usage is written to.
   * @default the partner database of the gateway's security options; metrics only when there is none
   */
  database?: Kysely<any>;
  /**
   * Length of a time bucket.
   * @default 60000 (a minute)
   */
  bucketMs?: number;
  /**
   * How often held usage is written.
   * @default 10000
   */
  flushEveryMs?: number;
  /**
   * Distinct (bucket, client, operation, document) records held between two flushes; beyond, operations are dropped and counted.
   * @default 10000
   */
  maxRecords?: number;
  /** Registry of the usage and per-operation metrics. @default the process registry */
  registry?: Registry;
  /** Label limits of the per-operation metrics. */
  labels?: Pick<UsagePluginOptions, 'maxOperationLabels' | 'maxClientLabels'>;
}

export interface GatewayUsage {
  readonly plugin: ApolloServerPlugin<any>;
  /** Writes what is held now (tests, and the final write at stop). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** Usage recording and per-operation metrics for one gateway: the plugin, and the flusher when usage is on and a database is known. */
export function createGatewayUsage(options: UsageOptions, logger: Logger): GatewayUsage {
  const registry = options.registry ?? processRegistry;
  const metrics = usageMetricsFor(registry, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  let flusher: UsageFlusher | undefined;
  let aggregator: UsageAggregator | undefined;
  if (options.enabled && options.database) {
    aggregator = new UsageAggregator(options.bucketMs ?? 60_000, options.maxRecords ?? 10_000, (n) => metrics.dropped.inc(n));
    flusher = createUsageFlusher({
      db: usageTablesOf(options.database),
      aggregator,
      metrics,
      logger,
      flushEveryMs: options.flushEveryMs ?? 10_000,
      retentionMs: options.retentionMs,
      pruneEveryMs: 15 * 60_000,
    });
  } else if (options.enabled) {
    logger.warn(
      'usage recording is on but there is no gateway database (GATEWAY_DATABASE_URL or DATABASE_URL): per-operation metrics only',
    );
  }
  return {
    plugin: usagePlugin({ aggregator, registry, ...options.labels }),
    flush: async () => flusher?.flush(),
    stop: async () => flusher?.stop(),
  };
}
