import { sql, type Kysely, type Selectable } from 'kysely';
import type { GatewayDatabase } from '../partners/partner-key.repository';
import type { ManifestOperation } from './manifest';

export type PartnerDocumentRow = Selectable<GatewayDatabase['partnerDocuments']>;

/** Publishes operations for `scopes`: new ones are added, known ones take the new name and scopes and are active again. */
export async function publishDocuments(
  db: Kysely<GatewayDatabase>,
  operations: readonly ManifestOperation[],
  scopes: readonly string[],
): Promise<void> {
  if (operations.length === 0) return;
  await db
    .insertInto('partnerDocuments')
    .values(operations.map((o) => ({ id: o.id, name: o.name, type: o.type, body: o.body, scopes: [...scopes] })))
    .onConflict((c) =>
      c.column('id').doUpdateSet({
        name: (eb) => eb.ref('excluded.name'),
        scopes: (eb) => eb.ref('excluded.scopes'),
        revokedAt: null,
        changedAt: sql`clock_timestamp()`,
      }),
    )
    .execute();
}

/** Publishes operations only into a table that has never held a document (the seeded manifest, on first start). */
export async function publishIfEmpty(
  db: Kysely<GatewayDatabase>,
  operations: readonly ManifestOperation[],
  scopes: readonly string[],
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Two replicas starting together: the lock makes the second see the first one's rows.
    await sql`lock table partner_documents in share row exclusive mode`.execute(trx);
    const any = await trx.selectFrom('partnerDocuments').select('id').limit(1).executeTakeFirst();
    if (any) return false;
    await publishDocuments(trx, operations, scopes);
    return true;
  });
}

/**
 * Makes `operations` the active versions of their names: publishes those not active (new, or
 * revoked) for `scopes` and revokes the active documents of the same names with other ids.
 * Touches nothing, and so moves no replica, when they already are.
 */
export async function publishAsOnlyVersions(
  db: Kysely<GatewayDatabase>,
  operations: readonly ManifestOperation[],
  scopes: readonly string[],
): Promise<{ published: string[]; revoked: string[] }> {
  if (operations.length === 0) return { published: [], revoked: [] };
  return db.transaction().execute(async (trx) => {
    await sql`lock table partner_documents in share row exclusive mode`.execute(trx);
    const names = [...new Set(operations.map((o) => o.name))];
    const ids = operations.map((o) => o.id);
    const active = await trx
      .selectFrom('partnerDocuments')
      .select(['id', 'name'])
      .where('revokedAt', 'is', null)
      .where('name', 'in', names)
      .execute();
    const activeIds = new Set(active.map((r) => r.id));
    const missing = operations.filter((o) => !activeIds.has(o.id));
    await publishDocuments(trx, missing, scopes);
    const stale = active.filter((r) => !ids.includes(r.id)).map((r) => r.id);
    if (stale.length > 0) {
      await trx
        .updateTable('partnerDocuments')
        .set({ revokedAt: sql`now()`, changedAt: sql`clock_timestamp()` })
        .where('id', 'in', stale)
        .execute();
    }
    return { published: missing.map((o) => o.id), revoked: stale };
  });
}

/** Every document, active first, then by name. */
export function listDocuments(db: Kysely<GatewayDatabase>): Promise<PartnerDocumentRow[]> {
  return db
    .selectFrom('partnerDocuments')
    .selectAll()
    .orderBy(sql`revoked_at is not null`)
    .orderBy('name')
    .orderBy('publishedAt')
    .execute();
}

/** The documents partners may run now. */
export function activeDocuments(db: Kysely<GatewayDatabase>): Promise<PartnerDocumentRow[]> {
  return db.selectFrom('partnerDocuments').selectAll().where('revokedAt', 'is', null).orderBy('name').execute();
}

/** Revokes the active documents with this id or this name; returns the ids revoked. */
export async function revokeDocuments(db: Kysely<GatewayDatabase>, idOrName: string): Promise<string[]> {
  const rows = await db
    .updateTable('partnerDocuments')
    .set({ revokedAt: sql`now()`, changedAt: sql`clock_timestamp()` })
    .where((eb) => eb.or([eb('id', '=', idOrName.toLowerCase()), eb('name', '=', idOrName)]))
    .where('revokedAt', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** A value that changes whenever any document is published or revoked (replicas poll it). */
export async function documentsVersion(db: Kysely<GatewayDatabase>): Promise<string> {
  const row = await db
    .selectFrom('partnerDocuments')
    .select([sql<string>`count(*)::text`.as('count'), sql<string | null>`max(changed_at)::text`.as('changedAt')])
    .executeTakeFirstOrThrow();
  return `${row.count}@${row.changedAt ?? '-'}`;
}
