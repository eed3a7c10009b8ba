import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

export type StockStatusChangeRow = Omit<ErpDatabase['stockStatusChanges'], 'postedAt'> & { postedAt: Date };

export function findStockStatusChangeBySource(
  db: Kysely<ErpDatabase>,
  sourceHoldId: string,
  toStatus: string,
): Promise<StockStatusChangeRow | undefined> {
  return db
    .selectFrom('stockStatusChanges')
    .selectAll()
    .where('sourceHoldId', '=', sourceHoldId)
    .where('toStatus', '=', toStatus)
    .executeTakeFirst();
}

/** Inserts a stock status change unless the same hold already moved stock to the same status; undefined when it does. */
export function insertStockStatusChangeOnce(
  db: Kysely<ErpDatabase>,
  row: Omit<ErpDatabase['stockStatusChanges'], 'postedAt'>,
): Promise<StockStatusChangeRow | undefined> {
  return db
    .insertInto('stockStatusChanges')
    .values(row)
    .onConflict((oc) => oc.columns(['sourceHoldId', 'toStatus']).doNothing())
    .returningAll()
    .executeTakeFirst();
}
