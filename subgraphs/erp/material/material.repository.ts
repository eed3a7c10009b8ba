import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

export type MaterialRow = ErpDatabase['materials'];

export function findMaterialsByIds(db: Kysely<ErpDatabase>, ids: readonly string[]): Promise<MaterialRow[]> {
  return db
    .selectFrom('materials')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}
