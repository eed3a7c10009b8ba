import path from 'node:path';
import type { Database } from '../platform/db/database';
import { withDatabase } from '../platform/db/database';
import { runningEmbeddedServerUrl, startEmbeddedPostgres } from '../platform/db/embedded';
import { PG_PORT_OFFSET } from '../platform/systems';
import type { GatewayDatabase } from '../gateway/security/partners/partner-key.repository';
import { gatewayDatabaseUrl, openGatewayDatabase } from '../gateway/security/partners/store';
import { parsePort } from '../gateway/config';

/** Where `npm start` keeps its embedded PostgreSQL's data, and the port it serves it on. */
const embeddedDataDir = (env: NodeJS.ProcessEnv) => path.join(path.resolve(env.DATA_DIR || '.data'), 'pg');
const embeddedPort = (env: NodeJS.ProcessEnv) => parsePort(env, 'PG_PORT', parsePort(env, 'PORT', 4000) + PG_PORT_OFFSET);

/**
 * The gateway database's URL when there is one to reach without starting anything: on
 * `GATEWAY_DATABASE_URL`, on `DATABASE_URL`'s server, or in the embedded PostgreSQL `npm start`
 * runs, while it is running; undefined otherwise.
 */
export function runningGatewayDatabaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GATEWAY_DATABASE_URL) return env.GATEWAY_DATABASE_URL;
  if (env.DATABASE_URL) return gatewayDatabaseUrl(env.DATABASE_URL);
  const running = runningEmbeddedServerUrl(embeddedDataDir(env), embeddedPort(env));
  return running && gatewayDatabaseUrl(withDatabase(running, 'plantgraph'));
}

/**
 * Runs `work` on the gateway database, which lives beside the systems' databases: on
 * `GATEWAY_DATABASE_URL`, on `DATABASE_URL`'s server, or in the embedded PostgreSQL (the one
 * `npm start` runs when it is running, else one started for `work` and stopped after it).
 */
export async function withGatewayDatabase<T>(
  env: NodeJS.ProcessEnv,
  work: (database: Database<GatewayDatabase>) => Promise<T>,
): Promise<T> {
  let url = runningGatewayDatabaseUrl(env);
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: embeddedDataDir(env), port: embeddedPort(env) });
    url = gatewayDatabaseUrl(withDatabase(embedded.url, 'plantgraph'));
  }
  try {
    const database = await openGatewayDatabase(url);
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  } finally {
    await embedded?.stop();
  }
}
