import { parse, type GraphQLSchema } from 'graphql';
import { activeDocuments } from '../../gateway/security/documents/document.repository';
import { openGatewayDatabase } from '../../gateway/security/partners/store';
import { selectedCoordinates } from '../../gateway/usage/coordinates';
import {
  anyFieldUsage,
  coordinateUseSince,
  usageTablesOf,
  type CoordinateUseRow,
  type UsageTables,
} from '../../gateway/usage/usage.repository';
import type { Kysely } from 'kysely';
import { runningGatewayDatabaseUrl } from '../gateway-database';

/** One client's recorded use of one coordinate: requests and errors inside the window, and its last use ever. */
export type CoordinateUse = CoordinateUseRow;

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

/** Each client's use of each coordinate: counts inside the window, and its last use ever (to say when an unused field was last read). */
export async function readFieldUsage(db: Kysely<UsageTables>, since: Date): Promise<CoordinateUse[] | 'empty'> {
  if (!(await anyFieldUsage(db))) return 'empty';
  return coordinateUseSince(db, since);
}

/** The usage the check weighs breaking changes against; whatever cannot be read is named in `unknown`. */
export async function gatherUsage(env: NodeJS.ProcessEnv, since: Date, deployed: GraphQLSchema): Promise<UsageEvidence> {
  // Never an embedded PostgreSQL of its own, as `plantgraph partner` and `documents` would start:
  // an empty new one would vouch for nothing.
  const url = runningGatewayDatabaseUrl(env);
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
      uses = await readFieldUsage(usageTablesOf(database.db), since);
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
