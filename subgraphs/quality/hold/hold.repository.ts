import { sql, type Kysely } from 'kysely';
import type { QualityDatabase } from '../db';
import type { ChangeStream } from '../../kit/events';

/** Holds placed and released, as live events that keep the changed row (`asOfChange`). */
export const HOLD_CHANGES: ChangeStream = { field: 'qualityHoldChanged', table: 'quality_holds' };

export type HoldRow = QualityDatabase['qualityHolds'];
export type NewHold = Omit<HoldRow, 'id' | 'releasedAt' | 'releaseJustification' | 'erpBlockDocument' | 'erpReleaseDocument'>;

export function findHoldsByLots(db: Kysely<QualityDatabase>, lotIds: readonly string[]): Promise<HoldRow[]> {
  return db
    .selectFrom('qualityHolds')
    .selectAll()
    .where('lotId', '=', (eb) => eb.fn.any(eb.val(lotIds)))
    .orderBy('placedAt')
    .orderBy('id')
    .execute();
}

/** Open holds on any lot of the given materials. */
export function findOpenHoldsByMaterials(db: Kysely<QualityDatabase>, materialIds: readonly string[]): Promise<HoldRow[]> {
  return db
    .selectFrom('qualityHolds')
    .selectAll()
    .where('materialId', '=', (eb) => eb.fn.any(eb.val(materialIds)))
    .where('releasedAt', 'is', null)
    .orderBy('placedAt')
    .orderBy('id')
    .execute();
}

export function findHoldById(db: Kysely<QualityDatabase>, id: string): Promise<HoldRow | undefined> {
  return db.selectFrom('qualityHolds').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockHold(db: Kysely<QualityDatabase>, id: string): Promise<HoldRow | undefined> {
  return db.selectFrom('qualityHolds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findOpenHoldOfLot(db: Kysely<QualityDatabase>, lotId: string): Promise<HoldRow | undefined> {
  return db
    .selectFrom('qualityHolds')
    .selectAll()
    .where('lotId', '=', lotId)
    .where('releasedAt', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Places a hold with the next hold number; undefined when the lot has an open hold already
 * (also one another transaction committed a moment ago).
 */
export function insertHold(db: Kysely<QualityDatabase>, row: NewHold): Promise<HoldRow | undefined> {
  return db
    .insertInto('qualityHolds')
    .values({ ...row, id: sql<string>`'QH' || lpad(nextval('hold_number')::text, 6, '0')` })
    .onConflict((oc) => oc.column('lotId').where('releasedAt', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function releaseHold(db: Kysely<QualityDatabase>, id: string, justification: string, at: Date): Promise<HoldRow> {
  return db
    .updateTable('qualityHolds')
    .set({ releasedAt: at, releaseJustification: justification })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Records ERP's material document of a posted stock status change of the hold. */
export async function recordStockDocument(
  db: Kysely<QualityDatabase>,
  id: string,
  toStatus: 'BLOCKED' | 'UNRESTRICTED',
  documentNumber: string,
): Promise<void> {
  await db
    .updateTable('qualityHolds')
    .set(toStatus === 'BLOCKED' ? { erpBlockDocument: documentNumber } : { erpReleaseDocument: documentNumber })
    .where('id', '=', id)
    .execute();
}
