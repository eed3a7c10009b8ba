import { listen, StartupError } from '../../platform/listen';
import { createLogger } from '../../platform/logger';
import { loadSubgraphConfig } from './config';
import { assertReachable, createDatabase, databaseName, ensureDatabases } from '../../platform/db/database';
import { migrateToLatest } from '../../platform/db/migrate';
import { startSystemRelay } from './outbox/system-relay';
import { startChangeRelay } from './events';
import { createChangeBus, DEFAULT_CHANGE_CHANNEL } from '../../platform/change-bus';
import { startIdempotencyPruner } from './idempotency/pruner';
import { createSystemServer, type SystemModule } from './system';
import { createNonceStore } from '../../platform/nonce-store';

/** Runs one subgraph as its own process (production): migrate its database, then listen. */
export function runSubgraphProcess(system: SystemModule): void {
  const logger = createLogger(system.name);
  (async () => {
    const config = loadSubgraphConfig(system.name);
    await assertReachable(config.databaseUrl, `${system.name} subgraph: DATABASE_URL`, 'postgres');
    await ensureDatabases(config.databaseUrl, [databaseName(config.databaseUrl)]);
    const database = createDatabase(system.name, config.databaseUrl, { logger });
    await migrateToLatest(database.db, system.migrations, system.name);
    // Replicas of the system share the nonces of caller headers through Redis: a header is good once across all of them.
    const nonces = createNonceStore({
      redisUrl: config.redisUrl,
      onError: (err) => logger.warn({ err: err.message }, 'caller nonce store: Redis error'),
    });
    const server = await createSystemServer(system, database, { nonces });
    const port = await listen(server.httpServer, config.port, config.host, `${system.name} subgraph`);
    logger.info({ url: `http://${config.host}:${port}/graphql` }, 'subgraph listening');
    if (system.outbox && !config.gatewayUrl) logger.warn('GATEWAY_URL is not set: commands wait in the outbox until a relay runs');
    const relay = config.gatewayUrl ? startSystemRelay(system, database, { gatewayUrl: config.gatewayUrl }, logger) : undefined;
    const pruner = startIdempotencyPruner(database.db, { retentionMs: config.idempotencyRetentionMs, logger });
    // Without Redis no gateway process can hear this one: events are still drained, so the table stays small.
    const changes = createChangeBus(config.redisUrl, {
      channel: process.env.CHANGE_EVENTS_CHANNEL || DEFAULT_CHANGE_CHANNEL,
      onError: (err) => logger.warn({ err: err.message }, 'change bus: Redis error'),
    });
    if (!changes.shared) logger.info('REDIS_URL is not set: change events of this system reach no gateway process');
    const changeRelay = startChangeRelay({ system: system.name, database, bus: changes, logger });
    const shutdown = async () => {
      await relay?.stop();
      await changeRelay.stop();
      await changes.close();
      await pruner.stop();
      await server.stop();
      await nonces.close();
      await database.close();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  })().catch((err) => {
    process.stderr.write(`${err instanceof StartupError ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  });
}
