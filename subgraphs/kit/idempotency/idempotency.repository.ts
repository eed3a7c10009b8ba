import type { Kysely } from 'kysely';
import type { IdempotencyDatabase, IdempotencyKeyTable } from './idempotency.db';

export type IdempotencyKeyId = Pick<IdempotencyKeyTable, 'scope' | 'idempotencyKey' | 'field'>;

export interface StoredKey {
  operation: string;
  fingerprint: string;
  outcome: unknown;
}

/**
 * Claims a key for this transaction; false when it is taken. A concurrent claim of the same key
 * waits here until the other transaction ends, then sees its committed row (or claims the key
 * when that transaction rolled back).
 */
export async function claimKey(
  db: Kysely<IdempotencyDatabase>,
  id: IdempotencyKeyId,
  operation: string,
  fingerprint: string,
): Promise<boolean> {
  const row = await db
    .insertInto('idempotencyKeys')
    .values({ ...id, operation, fingerprint, outcome: null })
    .onConflict((oc) => oc.columns(['scope', 'idempotencyKey', 'field']).doNothing())
    .returning('scope')
    .executeTakeFirst();
  return row !== undefined;
}

export function findKey(db: Kysely<IdempotencyDatabase>, id: IdempotencyKeyId): Promise<StoredKey | undefined> {
  return db
    .selectFrom('idempotencyKeys')
    .select(['operation', 'fingerprint', 'outcome'])
    .where('scope', '=', id.scope)
    .where('idempotencyKey', '=', id.idempotencyKey)
    .where('field', '=', id.field)
    .executeTakeFirst();
}

/** Deletes the keys applied before `before`; returns how many. */
export async function pruneKeys(db: Kysely<IdempotencyDatabase>, before: Date): Promise<number> {
  const result = await db.deleteFrom('idempotencyKeys').where('createdAt', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Stores the outcome of a claimed key (JSON text from outcome-codec.ts). */
export async function storeOutcome(db: Kysely<IdempotencyDatabase>, id: IdempotencyKeyId, outcome: string): Promise<void> {
  await db
    .updateTable('idempotencyKeys')
    .set({ outcome })
    .where('scope', '=', id.scope)
    .where('idempotencyKey', '=', id.idempotencyKey)
    .where('field', '=', id.field)
    .execute();
}
