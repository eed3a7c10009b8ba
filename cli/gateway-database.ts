import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../platform/db/database';
import { withDatabase } from '../platform/db/database';
import { embeddedServerUrl, startEmbeddedPostgres } from '../platform/db/embedded';
import { PG_PORT_OFFSET } from '../platform/systems';
import type { GatewayDatabase } from '../gateway/security/partners/partner-key.repository';
import { gatewayDatabaseUrl, openGatewayDatabase } from '../gateway/security/partners/store';
import { parsePort } from '../gateway/config';

/**
 * Runs `work` on the gateway database, which lives beside the systems' databases: on
 * `GATEWAY_DATABASE_URL`, on `DATABASE_URL`'s server, or in the embedded PostgreSQL (the one
 * `npm start` runs, when it is running).
 */
export async function withGatewayDatabase<T>(
  env: NodeJS.ProcessEnv,
  work: (database: Database<GatewayDatabase>) => Promise<T>,
): Promise<T> {
  let url = env.GATEWAY_DATABASE_URL || (env.DATABASE_URL ? gatewayDatabaseUrl(env.DATABASE_URL) : undefined);
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  if (!url) {
    const dataDir = path.join(path.resolve(env.DATA_DIR || '.data'), 'pg');
    const pgPort = parsePort(env, 'PG_PORT', parsePort(env, 'PORT', 4000) + PG_PORT_OFFSET);
    if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
      // `npm start` is running: use its PostgreSQL rather than start a second one on the same data.
      url = gatewayDatabaseUrl(withDatabase(embeddedServerUrl(pgPort), 'plantgraph'));
    } else {
      embedded = await startEmbeddedPostgres({ dataDir, port: pgPort });
      url = gatewayDatabaseUrl(withDatabase(embedded.url, 'plantgraph'));
    }
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
