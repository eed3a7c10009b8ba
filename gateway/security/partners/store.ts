import { assertReachable, createDatabase, ensureDatabases, withDatabase, type Database } from '../../../platform/db/database';
import { migrateToLatest } from '../../../platform/db/migrate';
import type { Caller } from '../../../platform/caller';
import { gatewayMigrations } from './migrations';
import { findActivePartnerKey, type GatewayDatabase, type PartnerKeyRow } from './partner-key.repository';
import { publishIfEmpty } from '../documents/document.repository';
import { readManifest } from '../documents/manifest';
import { SEEDED_DOCUMENT_SCOPE, SEEDED_MANIFEST } from '../trusted-documents';

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

/**
 * Opens (creating and migrating when needed) the gateway database at `url`. A database that has
 * never held a partner document gets the seeded manifest (`questions/partner-manifest.json`).
 */
export async function openGatewayDatabase(url: string): Promise<Database<GatewayDatabase>> {
  await assertReachable(url, 'gateway database', 'postgres');
  await ensureDatabases(url, [new URL(url).pathname.replace(/^\//, '')]);
  const database = createDatabase<GatewayDatabase>('gateway', url, { maxConnections: 4 });
  try {
    await migrateToLatest(database.db, gatewayMigrations, 'gateway');
    const seeded = readManifest(SEEDED_MANIFEST);
    if (!seeded.ok) throw new Error(`questions/partner-manifest.json: ${seeded.reason}`);
    await publishIfEmpty(database.db, seeded.operations, [SEEDED_DOCUMENT_SCOPE]);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

/** Looks up presented keys in the gateway database. */
export function createPartnerKeyAuthenticator(database: Database<GatewayDatabase>): (key: string) => Promise<Caller | null> {
  return async (key) => {
    const row = await findActivePartnerKey(database.db, key);
    return row ? partnerCaller(row) : null;
  };
}
