import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { parse, type GraphQLSchema } from 'graphql';
import { PG_PORT_OFFSET } from '../../platform/systems';
import { parsePort } from '../../gateway/config';
import { activeDocuments } from '../../gateway/security/documents/document.repository';
import { gatewayDatabaseUrl, openGatewayDatabase } from '../../gateway/security/partners/store';
import { selectedCoordinates } from '../../gateway/usage/coordinates';
import type { UsageTables } from '../../gateway/usage/usage.repository';
import { withDatabase } from '../../platform/db/database';
import { embeddedServerUrl } from '../../platform/db/embedded';

/** One client's recorded use of one coordinate. */
export interface CoordinateUse {
  readonly coordinate: string;
  readonly clientName: string;
  readonly clientVersion: string;
  /** Requests inside the window. */
  readonly count: number;
  readonly errorCount: number;
  readonly lastSeen: Date;
}

/** A published, unrevoked partner document and the coordinates it selects. */
export interface DocumentUse {
  readonly id: string;
  readonly name: string;
  readonly coordinates: ReadonlySet<string>;
}

/** What the check knows of use: recorded usage and partner documents, and why part of it is unknown (null when nothing is). */
export interface UsageEvidence {
  readonly uses: readonly CoordinateUse[];
  readonly documents: readonly DocumentUse[];
  readonly unknown: string | null;
}

/**
 * The gateway database's URL as `plantgraph partner` and `documents` find it, except that the
 * check never starts an embedded PostgreSQL of its own: an empty new one would vouch for nothing.
 */
export function usageDatabaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GATEWAY_DATABASE_URL) return env.GATEWAY_DATABASE_URL;
  if (env.DATABASE_URL) return gatewayDatabaseUrl(env.DATABASE_URL);
  const dataDir = path.join(path.resolve(env.DATA_DIR || '.data'), 'pg');
  if (!existsSync(path.join(dataDir, 'postmaster.pid'))) return undefined;
  const pgPort = parsePort(env, 'PG_PORT', parsePort(env, 'PORT', 4000) + PG_PORT_OFFSET);
  return gatewayDatabaseUrl(withDatabase(embeddedServerUrl(pgPort), 'plantgraph'));
}

/** Each client's use of each coordinate: counts inside the window, and its last use ever (to say when an unused field was last read). */
export async function readFieldUsage(db: Kysely<UsageTables>, since: Date): Promise<CoordinateUse[] | 'empty'> {
  const any = await db.selectFrom('usageFields').select('coordinate').limit(1).executeTakeFirst();
  if (!any) return 'empty';
  const rows = await db
    .selectFrom('usageFields')
    .select([
      'coordinate',
      'clientName',
      'clientVersion',
      sql<string | null>`sum(count) filter (where bucket >= ${since})`.as('count'),
      sql<string | null>`sum(error_count) filter (where bucket >= ${since})`.as('errorCount'),
      sql<Date>`max(last_seen)`.as('lastSeen'),
    ])
    .groupBy(['coordinate', 'clientName', 'clientVersion'])
    .execute();
  return rows.map((r) => ({
    coordinate: r.coordinate,
    clientName: r.clientName,
    clientVersion: r.clientVersion,
    count: Number(r.count ?? 0),
    errorCount: Number(r.errorCount ?? 0),
    lastSeen: new Date(r.lastSeen),
  }));
}

/** The usage the check weighs breaking changes against; whatever cannot be read is named in `unknown`. */
export async function gatherUsage(env: NodeJS.ProcessEnv, since: Date, deployed: GraphQLSchema): Promise<UsageEvidence> {
  const url = usageDatabaseUrl(env);
  if (!url)
    return { uses: [], documents: [], unknown: 'no gateway database: set GATEWAY_DATABASE_URL (or DATABASE_URL), or run "npm start"' };
  let database;
  try {
    database = await openGatewayDatabase(url);
  } catch (err) {
    return {
      uses: [],
      documents: [],
      unknown: `the gateway database is unreachable (${(err as Error).message.split('\n')[0]!.slice(0, 200)})`,
    };
  }
  try {
    const documents = (await activeDocuments(database.db)).map((d) => ({
      id: d.id,
      name: d.name,
      coordinates: documentCoordinates(d.body, d.name, deployed),
    }));
    let uses: CoordinateUse[] | 'empty';
    try {
      // The usage tables are the gateway database's too (migration 003_usage), typed apart by their repository.
      uses = await readFieldUsage(database.db as unknown as Kysely<UsageTables>, since);
    } catch (err) {
      return { uses: [], documents, unknown: `recorded usage cannot be read (${(err as Error).message.slice(0, 200)})` };
    }
    if (uses === 'empty')
      return { uses: [], documents, unknown: 'the gateway database holds no recorded usage at all: is usage recording on?' };
    return { uses, documents, unknown: null };
  } finally {
    await database.close();
  }
}

/** The coordinates a partner document selects, as the gateway records them; one that does not parse selects nothing. */
function documentCoordinates(body: string, name: string, schema: GraphQLSchema): Set<string> {
  try {
    return new Set(selectedCoordinates(schema, parse(body), name));
  } catch {
    return new Set();
  }
}
