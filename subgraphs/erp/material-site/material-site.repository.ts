import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

export type MaterialSiteRow = ErpDatabase['materialSites'];
export interface MaterialSiteKey {
  materialId: string;
  siteId: string;
}

/** The cache and index key of a material-site. */
export const materialSiteKey = (k: MaterialSiteKey) => `${k.materialId}\u0000${k.siteId}`;

export function findMaterialSitesByKeys(db: Kysely<ErpDatabase>, keys: readonly MaterialSiteKey[]): Promise<MaterialSiteRow[]> {
  return db
    .selectFrom('materialSites')
    .selectAll()
    .where(({ eb, refTuple, tuple }) =>
      eb(refTuple('materialId', 'siteId'), 'in', keys.map((k) => tuple(k.materialId, k.siteId))),
    )
    .execute();
}

export function listMaterialSites(
  db: Kysely<ErpDatabase>,
  siteId: string,
  materialIds?: readonly string[] | null,
): Promise<MaterialSiteRow[]> {
  let query = db.selectFrom('materialSites').selectAll().where('siteId', '=', siteId);
  if (materialIds) {
    if (materialIds.length === 0) return Promise.resolve([]);
    query = query.where('materialId', 'in', materialIds);
  }
  return query.orderBy('materialId').execute();
}
