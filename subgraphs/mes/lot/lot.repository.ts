import { sql, type Expression, type Kysely } from 'kysely';
import { keysetPage, pagesByParent, type Keyset, type Page } from '../../kit/paging';
import { timestampKey, withInstant } from '../../kit/paging/timestamp';
import type { MesDatabase } from '../db';

export type LotRow = MesDatabase['lots'];

/**
 * A lot as a page reads it: `createdAt` as fixed-width UTC text with microseconds, so that it can
 * go in a cursor and compare equal to the stored timestamp (a JS Date drops the microseconds).
 */
export type PagedLotRow = Omit<LotRow, 'createdAt'> & { createdAt: string };

// Qualified, so that the order and the cursor condition use the stored timestamp, not the text.
const BY_CREATION = ['lots.createdAt', 'lots.id'] as const;

/** `lots` pages by creation time, then lot number, oldest first. */
export const LOTS_KEYSET: Keyset = { list: 'lots', columns: BY_CREATION, kinds: ['timestamp', 'text'], direction: 'asc' };

/** A work order's `producedLots` page in the same order. */
export const PRODUCED_LOTS_KEYSET: Keyset = {
  list: 'WorkOrder.producedLots',
  columns: BY_CREATION,
  kinds: ['timestamp', 'text'],
  direction: 'asc',
};

/** The lot a page row stands for. */
export const fromPagedLot = (row: PagedLotRow): LotRow => withInstant(row, 'createdAt');

function selectPagedLots(db: Kysely<MesDatabase>) {
  return db
    .selectFrom('lots')
    .select(['lots.id', 'lots.materialId', 'lots.siteId', 'lots.quantity', 'lots.lifecycleStatus', 'lots.producedBy'])
    .select(timestampKey('lots.createdAt').as('createdAt'));
}

export interface LotFilter {
  materialId?: string | null;
  siteId?: string | null;
  createdAfter?: Date | null;
}

/** Lots by id, in no particular order (loaders restore the order of their keys). */
export function findLotsByIds(db: Kysely<MesDatabase>, ids: readonly string[]): Promise<LotRow[]> {
  return db
    .selectFrom('lots')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** One page of the lots of each of many work orders, in one statement for the batch. */
export function findLotPagesByProducers(db: Kysely<MesDatabase>, workOrderIds: readonly string[], page: Page): Promise<PagedLotRow[][]> {
  return pagesByParent(db, workOrderIds, PRODUCED_LOTS_KEYSET, page, (workOrderId: Expression<string>) =>
    selectPagedLots(db).where('lots.producedBy', '=', workOrderId),
  );
}

/** One page of the lots matching every filter given, oldest first. */
export function listLots(db: Kysely<MesDatabase>, filter: LotFilter, page: Page): Promise<PagedLotRow[]> {
  let query = selectPagedLots(db);
  if (filter.materialId) query = query.where('lots.materialId', '=', filter.materialId);
  if (filter.siteId) query = query.where('lots.siteId', '=', filter.siteId);
  if (filter.createdAfter) query = query.where('lots.createdAt', '>', filter.createdAfter);
  return keysetPage(query, LOTS_KEYSET, page).execute();
}

/** Locks lots in id order (so concurrent reports cannot deadlock) and returns those that exist. */
export function lockLots(db: Kysely<MesDatabase>, ids: readonly string[]): Promise<LotRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('lots')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The next lot number MES assigns, formatted like the seeded ones (L00000001). */
export async function nextLotId(db: Kysely<MesDatabase>): Promise<string> {
  const { rows } = await sql<{ id: string }>`select 'L' || lpad(nextval('lot_numbers')::text, 8, '0') as id`.execute(db);
  return rows[0]!.id;
}

/** Creates a lot and returns it as stored. */
export function insertLot(db: Kysely<MesDatabase>, lot: LotRow): Promise<LotRow> {
  return db.insertInto('lots').values(lot).returningAll().executeTakeFirstOrThrow();
}

/** Sets a lot's current quantity and lifecycle status, returning the lot as stored. */
export function setLotQuantity(db: Kysely<MesDatabase>, id: string, quantity: number, lifecycleStatus: string): Promise<LotRow> {
  return db.updateTable('lots').set({ quantity, lifecycleStatus }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Moves the lot-number sequence past the highest L-number in use (after a seed or an import). */
export async function syncLotNumbers(db: Kysely<MesDatabase>): Promise<void> {
  await sql`select setval('lot_numbers', greatest(1, coalesce((
    select max(substring(id from 2)::bigint) from lots where id ~ '^L[0-9]{1,18}$'), 0)),
    exists (select 1 from lots where id ~ '^L[0-9]{1,18}$'))`.execute(db);
}
