import { assertReachable, createDatabase, ensureDatabases, withDatabase, type Database } from '../../../subgraphs/kit/db/database';
import { migrateToLatest } from '../../../subgraphs/kit/db/migrate';
import type { Caller } from '../../../platform/caller';
import { gatewayMigrations } from './migrations';
import { findActivePartnerKey, type GatewayDatabase, type PartnerKeyRow } from './partner-key.repository';

/** Default scopes of a new key: what its party's trusted documents ask for. */
export function defaultPartnerScopes(party: { supplierId?: string; customerId?: string }): string[] {
  return [party.supplierId ? 'partner:supplier' : 'partner:customer'];
}

/** The caller a partner key stands for. */
export function partnerCaller(row: PartnerKeyRow): Caller {
  return Object.freeze({
    subject: `partner:${row.id}`,
    kind: 'partner' as const,
    roles: Object.freeze(['partner']),
    scopes: Object.freeze([...row.scopes]),
    ...(row.supplierId ? { supplierId: row.supplierId } : {}),
    ...(row.customerId ? { customerId: row.customerId } : {}),
  });
}

/** Name of the gateway database on a server whose URL names a prefix (`…/plantgraph` → `plantgraph_gateway`). */
export function gatewayDatabaseUrl(serverUrl: string): string {
  const prefix = new URL(serverUrl).pathname.replace(/^\//, '') || 'plantgraph';
  return withDatabase(serverUrl, `${prefix === 'postgres' ? 'plantgraph' : prefix}_gateway`);
}

/** Opens (creating and migrating when needed) the gateway database at `url`. */
export async function openGatewayDatabase(url: string): Promise<Database<GatewayDatabase>> {
  await assertReachable(url, 'gateway database', 'postgres');
  await ensureDatabases(url, [new URL(url).pathname.replace(/^\//, '')]);
  const database = createDatabase<GatewayDatabase>('gateway', url, { maxConnections: 4 });
  await migrateToLatest(database.db, gatewayMigrations, 'gateway');
  return database;
}

/** Looks up presented keys in the gateway database. */
export function createPartnerKeyAuthenticator(database: Database<GatewayDatabase>): (key: string) => Promise<Caller | null> {
  return async (key) => {
    const row = await findActivePartnerKey(database.db, key);
    return row ? partnerCaller(row) : null;
  };
}
