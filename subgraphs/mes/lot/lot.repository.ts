import { sql, type Kysely } from 'kysely';
import type { MesDatabase } from '../db';

export type LotRow = MesDatabase['lots'];

export interface LotFilter {
  materialId?: string | null;
  siteId?: string | null;
  createdAfter?: Date | null;
}

/** Lots by id, in no particular order (loaders restore the order of their keys). */
export function findLotsByIds(db: Kysely<MesDatabase>, ids: readonly string[]): Promise<LotRow[]> {
  return db.selectFrom('lots').selectAll().where('id', '=', (eb) => eb.fn.any(eb.val(ids))).execute();
}

/** Lots of many work orders at once (one statement per batch of parents). */
export function findLotsByProducers(db: Kysely<MesDatabase>, workOrderIds: readonly string[]): Promise<LotRow[]> {
  return db.selectFrom('lots').selectAll().where('producedBy', '=', (eb) => eb.fn.any(eb.val(workOrderIds))).orderBy('createdAt').orderBy('id').execute();
}

/** Lots matching every filter given, oldest first. */
export function listLots(db: Kysely<MesDatabase>, filter: LotFilter): Promise<LotRow[]> {
  let query = db.selectFrom('lots').selectAll();
  if (filter.materialId) query = query.where('materialId', '=', filter.materialId);
  if (filter.siteId) query = query.where('siteId', '=', filter.siteId);
  if (filter.createdAfter) query = query.where('createdAt', '>', filter.createdAfter);
  return query.orderBy('createdAt').orderBy('id').execute();
}

/** Locks lots in id order (so concurrent reports cannot deadlock) and returns those that exist. */
export function lockLots(db: Kysely<MesDatabase>, ids: readonly string[]): Promise<LotRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('lots').selectAll().where('id', '=', (eb) => eb.fn.any(eb.val(ids))).orderBy('id').forUpdate().execute();
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
  return db
    .updateTable('lots')
    .set({ quantity, lifecycleStatus })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Moves the lot-number sequence past the highest L-number in use (after a seed or an import). */
export async function syncLotNumbers(db: Kysely<MesDatabase>): Promise<void> {
  await sql`select setval('lot_numbers', greatest(1, coalesce((
    select max(substring(id from 2)::bigint) from lots where id ~ '^L[0-9]{1,18}$'), 0)),
    exists (select 1 from lots where id ~ '^L[0-9]{1,18}$'))`.execute(db);
}
