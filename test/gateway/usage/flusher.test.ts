import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { UsageAggregator } from '../../../gateway/usage/aggregator';
import { createUsageFlusher } from '../../../gateway/usage/flusher';
import { usageMetricsFor } from '../../../gateway/usage/usage.metrics';
import { operationUsage, type UsageTables } from '../../../gateway/usage/usage.repository';
import { openGatewayDatabase } from '../../../gateway/security/partners/store';
import { createLogger } from '../../../platform/logger';
import { dropDatabases, withDatabase } from '../../../platform/db/database';
import { testServerUrl } from '../../support/databases';

const DAY = 86_400_000;

describe('usage flusher', () => {
  const name = `t_${randomBytes(4).toString('hex')}_gateway`;
  afterAll(() => dropDatabases(testServerUrl(), [name]));

  it('adds each flush to the stored totals and deletes buckets older than the retention', async () => {
    const database = await openGatewayDatabase(withDatabase(testServerUrl(), name));
    const db = database.db as unknown as Kysely<UsageTables>;
    const registry = new Registry();
    const aggregator = new UsageAggregator(60_000, 100, () => undefined);
    const flusher = createUsageFlusher({
      db,
      aggregator,
      metrics: usageMetricsFor(registry, [1]),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      flushEveryMs: 3_600_000,
      retentionMs: 30 * DAY,
      pruneEveryMs: 0,
    });
    const use = (at: number, operationName: string) =>
      aggregator.add({
        at,
        clientName: 'c',
        clientVersion: '',
        operationName,
        documentHash: 'h',
        coordinates: ['Query.x'],
        failed: false,
        durationMs: 1,
      });
    try {
      const now = Date.now();
      use(now - 40 * DAY, 'Old');
      use(now, 'Recent');
      use(now, 'Recent');
      await flusher.flush(); // writes both, then prunes the old bucket
      use(now, 'Recent');
      await flusher.stop();
      const rows = await operationUsage(db, { since: new Date(0) });
      expect(rows.map((r) => [r.operationName, r.count])).toEqual([['Recent', 3]]);
      expect((await registry.getSingleMetric('plantgraph_usage_flushes_total')!.get()).values[0]!.value).toBe(2);
    } finally {
      await database.close();
    }
  });
});
