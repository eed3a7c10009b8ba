import path from 'node:path';
import { createGatewayServer, type GatewayServer } from '../gateway/server';
import { parsePort, subgraphUrlOverrides } from '../gateway/config';
import { loadReliabilityConfig, type ReliabilityConfig } from '../gateway/reliability/policy';
import { listen } from '../platform/listen';
import type { Logger } from '../platform/logger';
import { PG_PORT_OFFSET, systemPort, type SystemName } from '../platform/systems';
import { implementedSystems } from '../subgraphs/catalog';
import { silentProgress, createProgress } from '../subgraphs/kit/seed/progress';
import { scalePlan } from '../subgraphs/kit/seed/world';
import { createSystemServer } from '../subgraphs/kit/system';
import { startSystemRelay } from '../subgraphs/kit/outbox/system-relay';
import { startChangeRelay } from '../subgraphs/kit/events';
import { createChangeBus } from '../platform/change-bus';
import { loadLiveConfig } from '../gateway/subscriptions';
import { startIdempotencyPruner } from '../subgraphs/kit/idempotency/pruner';
import { parseDurationSetting } from '../platform/duration';
import type { SubgraphServer } from '../subgraphs/kit/server';
import { openSystemDatabases } from './databases';
import { loadSecurityConfig } from '../gateway/security/config';
import { gatewayDatabaseUrl } from '../gateway/security/partners/store';
import { refreshSeededDocuments } from '../gateway/security/documents/seeded-documents';
import { devCallerKey, resolveSecurity } from '../gateway/security/setup';
import { devTokenHeaders } from '../gateway/security/dev-issuer';
import { CALLER_KEY_ENV } from '../platform/caller-header';
import { createNonceStore } from '../platform/nonce-store';

export interface StartConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly pgPort: number;
  readonly supergraphPath: string;
  readonly subgraphUrls: Partial<Record<SystemName, string>>;
  /** The gateway's timeouts, retries and breakers per subgraph. */
  readonly reliability: ReliabilityConfig;
  /** Where the subgraphs keep nonces of caller headers (`REDIS_URL`); process memory without it. */
  readonly redisUrl?: string;
  /** How long the subgraphs keep applied idempotency keys (`IDEMPOTENCY_RETENTION`, default `7d`). */
  readonly idempotencyRetentionMs: number;
}

/** `npm start`'s configuration: `PORT`, `HOST`, `DATABASE_URL`, `DATA_DIR`, `PG_PORT`, `SUPERGRAPH_PATH`, `<SYSTEM>_URL`, `REDIS_URL`, `IDEMPOTENCY_RETENTION`. */
export function loadStartConfig(env: NodeJS.ProcessEnv = process.env): StartConfig {
  const port = parsePort(env, 'PORT', 4000);
  return Object.freeze({
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    pgPort: parsePort(env, 'PG_PORT', port + PG_PORT_OFFSET),
    supergraphPath: path.resolve(env.SUPERGRAPH_PATH || 'schema/supergraph.graphql'),
    subgraphUrls: subgraphUrlOverrides(env),
    reliability: loadReliabilityConfig(env),
    redisUrl: env.REDIS_URL || undefined,
    idempotencyRetentionMs: parseDurationSetting(env.IDEMPOTENCY_RETENTION || '7d', 'IDEMPOTENCY_RETENTION'),
  });
}

export interface RunningStack {
  readonly url: string;
  /** A development token (admin) from the local issuer; absent when an OIDC issuer is configured. */
  readonly token?: string;
  stop(): Promise<void>;
}

/** Everything in one process: PostgreSQL (embedded unless `DATABASE_URL`), the subgraphs and the gateway. */
export async function startStack(config: StartConfig, logger: Logger, options: { quiet?: boolean } = {}): Promise<RunningStack> {
  // Systems given a <SYSTEM>_URL run elsewhere; only the others are started here.
  const local = implementedSystems().filter((s) => !config.subgraphUrls[s.name]);
  const stoppers: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    // Last started, first stopped: the gateway, then the subgraphs, then the databases.
    for (const { name, stop } of stoppers.reverse()) {
      await stop().then(
        () => logger.debug({ component: name }, 'stopped'),
        (err) => logger.error({ component: name, err: (err as Error).message }, 'error while stopping'),
      );
    }
  };
  try {
    // The subgraphs, relays and gateway of this process share one signing key: the configured
    // one, or one generated once under the data dir.
    process.env[CALLER_KEY_ENV] ||= devCallerKey(config.dataDir);
    const dbs = await openSystemDatabases({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      pgPort: config.pgPort,
      systems: local,
      onLog: (line) => logger.debug({ postgres: line }),
    });
    stoppers.push({ name: 'databases', stop: () => dbs.close() });

    const plan = scalePlan(1);
    const progress = options.quiet ? silentProgress : createProgress();
    for (const system of local) {
      const db = dbs.databases[system.name]!.db;
      if (await system.isEmpty(db)) {
        await system.seed(db, plan, progress);
        progress.finish(`${system.name}: seeded at scale 1`);
      }
    }

    const urls: Partial<Record<SystemName, string>> = { ...config.subgraphUrls };
    // One nonce store for the subgraphs of this process; each header names one system anyway.
    const nonces = createNonceStore({
      redisUrl: config.redisUrl,
      onError: (err) => logger.warn({ err: err.message }, 'caller nonce store: Redis error'),
    });
    stoppers.push({ name: 'caller nonce store', stop: () => nonces.close() });
    for (const system of local) {
      const server: SubgraphServer = await createSystemServer(system, dbs.databases[system.name]!, { nonces });
      stoppers.push({ name: `${system.name} subgraph`, stop: () => server.stop() });
      const port = systemPort(config.port, system.name);
      await listen(server.httpServer, port, config.host, `${system.name} subgraph`);
      urls[system.name] = `http://${config.host}:${port}/graphql`;
    }

    const security = await resolveSecurity(loadSecurityConfig({ ...process.env, DATA_DIR: config.dataDir }), logger, {
      partnerDatabaseUrl: gatewayDatabaseUrl(dbs.serverUrl),
    });
    const partnerDatabase = security.options.partnerDatabase;
    if (partnerDatabase && process.env.NODE_ENV !== 'production') {
      // A data dir kept across releases holds the seeded partner documents of its first start.
      const { published, revoked } = await refreshSeededDocuments(partnerDatabase.db);
      if (published.length + revoked.length > 0)
        logger.info({ published, revoked }, 'partner documents: questions/partner-manifest.json published again');
    }
    const token = await security.devIssuer?.mint({ roles: ['admin'], subject: 'dev:admin' });
    // Change events go from the systems' relays to the gateway's subscribers: through Redis when it is
    // configured (other replicas hear them too), else within this process.
    const liveConfig = loadLiveConfig();
    const changes = createChangeBus(config.redisUrl, {
      channel: liveConfig.channel,
      onError: (err) => logger.warn({ err: err.message }, 'change bus: Redis error'),
    });
    stoppers.push({ name: 'change bus', stop: () => changes.close() });
    const gateway: GatewayServer = await createGatewayServer({
      supergraph: config.supergraphPath,
      live: { config: liveConfig, bus: changes },
      subgraphUrls: urls,
      logger,
      reliability: config.reliability,
      security: security.options,
      // The explorer page sends the development token, so that `npm start` works in a browser at
      // once: to a browser on this machine that calls it by a loopback name, never in production.
      ...(security.devIssuer
        ? { explorer: { headers: devTokenHeaders(security.devIssuer, { production: process.env.NODE_ENV === 'production' }) } }
        : {}),
    });
    stoppers.push({ name: 'gateway', stop: () => gateway.stop() });
    await listen(gateway.httpServer, config.port, config.host, 'gateway');
    // Relays deliver outbox commands through the gateway, so they start after it and stop before it.
    for (const system of local) {
      const relay = startSystemRelay(
        system,
        dbs.databases[system.name]!,
        { gatewayUrl: `http://${config.host}:${config.port}/graphql` },
        logger,
      );
      if (relay) stoppers.push({ name: `${system.name} relay`, stop: () => relay.stop() });
      const changeRelay = startChangeRelay({ system: system.name, database: dbs.databases[system.name]!, bus: changes, logger });
      stoppers.push({ name: `${system.name} change relay`, stop: () => changeRelay.stop() });
      const pruner = startIdempotencyPruner(dbs.databases[system.name]!.db, { retentionMs: config.idempotencyRetentionMs, logger });
      stoppers.push({ name: `${system.name} idempotency pruner`, stop: () => pruner.stop() });
    }
    return { url: `http://${config.host}:${config.port}/graphql`, token, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
