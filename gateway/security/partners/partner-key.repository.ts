import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Generated, Kysely, Selectable } from 'kysely';

/** Tables of the gateway database (`plantgraph_gateway`). */
export interface GatewayDatabase {
  partnerKeys: {
    id: string;
    keyHash: string;
    supplierId: string | null;
    customerId: string | null;
    scopes: string[];
    createdAt: Generated<Date>;
    revokedAt: Date | null;
  };
  partnerDocuments: {
    id: string;
    name: string;
    type: string;
    body: string;
    scopes: string[];
    publishedAt: Generated<Date>;
    changedAt: Generated<Date>;
    revokedAt: Date | null;
  };
}

export type PartnerKeyRow = Selectable<GatewayDatabase['partnerKeys']>;

export interface NewPartnerKey {
  supplierId?: string;
  customerId?: string;
  scopes: readonly string[];
}

const PREFIX = 'pgk';

function hashKey(key: string): string {
  // The key carries 256 random bits, so a plain SHA-256 cannot be reversed by guessing.
  return createHash('sha256').update(key).digest('hex');
}

/** Stores a new key and returns its id and the key itself, which is never stored. */
export async function createPartnerKey(db: Kysely<GatewayDatabase>, input: NewPartnerKey): Promise<{ id: string; key: string }> {
  const id = `pk_${randomBytes(6).toString('hex')}`;
  const key = `${PREFIX}_${id}_${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('partnerKeys')
    .values({
      id,
      keyHash: hashKey(key),
      supplierId: input.supplierId ?? null,
      customerId: input.customerId ?? null,
      scopes: [...input.scopes],
    })
    .execute();
  return { id, key };
}

/** Every key, newest first, revoked ones included. */
export function listPartnerKeys(db: Kysely<GatewayDatabase>): Promise<PartnerKeyRow[]> {
  return db.selectFrom('partnerKeys').selectAll().orderBy('createdAt', 'desc').orderBy('id').execute();
}

/** Revokes a key; false when no active key has that id. */
export async function revokePartnerKey(db: Kysely<GatewayDatabase>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('partnerKeys')
    .set({ revokedAt: new Date() })
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The active key row matching a presented key, or null. */
export async function findActivePartnerKey(db: Kysely<GatewayDatabase>, key: string): Promise<PartnerKeyRow | null> {
  const match = /^pgk_(pk_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(key);
  if (!match) return null;
  const row = await db.selectFrom('partnerKeys').selectAll().where('id', '=', match[1]!).where('revokedAt', 'is', null).executeTakeFirst();
  if (!row) return null;
  const expected = Buffer.from(row.keyHash, 'hex');
  const given = Buffer.from(hashKey(key), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given) ? row : null;
}
