import { sql, type Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

export type InventoryAdjustmentRow = Omit<ErpDatabase['inventoryAdjustments'], 'postedAt'> & { postedAt: Date };

/** The next material document number (shared by every goods movement). */
export async function nextMaterialDocumentNumber(db: Kysely<ErpDatabase>): Promise<string> {
  const { rows } = await sql<{ n: number }>`select nextval('material_document_seq') as n`.execute(db);
  return String(rows[0]!.n);
}

export function findAdjustmentBySource(db: Kysely<ErpDatabase>, sourceCountTaskId: string): Promise<InventoryAdjustmentRow | undefined> {
  return db.selectFrom('inventoryAdjustments').selectAll().where('sourceCountTaskId', '=', sourceCountTaskId).executeTakeFirst();
}

/**
 * Inserts an adjustment unless one with the same source key exists; undefined when it does.
 * A concurrent insert of the same key makes this wait for that transaction, then do nothing.
 */
export function insertAdjustmentOnce(
  db: Kysely<ErpDatabase>,
  row: Omit<ErpDatabase['inventoryAdjustments'], 'postedAt'>,
): Promise<InventoryAdjustmentRow | undefined> {
  return db
    .insertInto('inventoryAdjustments')
    .values(row)
    .onConflict((oc) => oc.column('sourceCountTaskId').doNothing())
    .returningAll()
    .executeTakeFirst();
}
