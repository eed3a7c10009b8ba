import { createServer } from 'node:http';
import { listen } from '../platform/listen';
import { createLogger } from '../platform/logger';
import { dbQueryCount } from '../platform/metrics';
import { systemPort, type SystemName } from '../platform/systems';
import { implementedSystems } from '../subgraphs/catalog';
import { createProgress } from '../subgraphs/kit/seed/progress';
import { scalePlan } from '../subgraphs/kit/seed/world';
import { createSystemServer } from '../subgraphs/kit/system';
import { openSystemDatabases } from '../cli/databases';
import { createChangeBus } from '../platform/change-bus';
import { startChangeRelay, type ChangeRelay } from '../subgraphs/kit/events';

/**
 * Every subgraph of the benchmark in one process (`BENCH_DATABASE_URL`, `BENCH_BASE_PORT`,
 * `BENCH_SCALE`), seeded on first use, with a stats endpoint on BASE+9 that counts the
 * requests each subgraph served and the SQL statements it sent.
 */
async function main(): Promise<void> {
  const base = Number(process.env.BENCH_BASE_PORT);
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  const systems = implementedSystems();
  const dbs = await openSystemDatabases({ databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: '.data/bench', pgPort: base + 8, systems });
  const plan = scalePlan(scale);
  const progress = createProgress();
  for (const system of systems) {
    const db = dbs.databases[system.name]!.db;
    if (await system.isEmpty(db)) {
      const started = Date.now();
      await system.seed(db, plan, progress);
      progress.finish(`${system.name}: seeded at scale ${scale} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  const requests: Partial<Record<SystemName, number>> = {};
  for (const system of systems) {
    const server = await createSystemServer(system, dbs.databases[system.name]!);
    requests[system.name] = 0;
    server.httpServer.prependListener('request', (req) => {
      if (req.method === 'POST') requests[system.name]! += 1;
    });
    await listen(server.httpServer, systemPort(base, system.name), '127.0.0.1', `${system.name} subgraph`);
  }
  // The live benchmark (BENCH_LIVE_REDIS_URL, CHANGE_EVENTS_CHANNEL) publishes change events to its gateways through Redis.
  const relays: ChangeRelay[] = [];
  if (process.env.BENCH_LIVE_REDIS_URL) {
    const bus = createChangeBus(process.env.BENCH_LIVE_REDIS_URL, { channel: process.env.CHANGE_EVENTS_CHANNEL });
    for (const system of systems) relays.push(startChangeRelay({ system: system.name, database: dbs.databases[system.name]!, bus }));
  }
  const stats = createServer(async (_req, res) => {
    const sql: Record<string, number> = {};
    for (const system of systems) sql[system.name] = await dbQueryCount(system.name);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, sql }));
  });
  await listen(stats, base + 9, '127.0.0.1', 'bench stats');
  createLogger('bench').info('subgraphs ready');
  process.stdout.write('subgraphs ready\n');
  const stop = async () => {
    // A relay holds a connection for its notifications: the pools close only after the relays stop.
    await Promise.all(relays.map((r) => r.stop()));
    await dbs.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
