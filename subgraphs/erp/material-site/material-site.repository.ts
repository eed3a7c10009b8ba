import type { Kysely } from 'kysely';
import { textArray, unnestPairs } from '../../../platform/db/key-arrays';
import { keysetPage, type Keyset, type Page } from '../../kit/paging';
import type { ErpDatabase } from '../db';
import type { ChangeStream } from '../../kit/events';

/** Stock of a material-site blocked or released, as live events that keep the changed row (`asOfChange`). */
export const STOCK_STATUS_CHANGES: ChangeStream = { field: 'stockStatusChanged', table: 'material_sites' };

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
    .where(({ eb, refTuple }) =>
      eb(
        refTuple('materialId', 'siteId'),
        'in',
        unnestPairs(textArray(keys.map((k) => k.materialId)), textArray(keys.map((k) => k.siteId))),
      ),
    )
    .execute();
}

/** A site's material-sites page by material id, unique within the site. */
export const MATERIAL_SITES_KEYSET: Keyset = { list: 'materialSites', columns: ['materialId'], kinds: ['text'], direction: 'asc' };

/** One page of a site's material-sites, optionally of the given materials only, by material id. */
export function listMaterialSites(
  db: Kysely<ErpDatabase>,
  siteId: string,
  materialIds: readonly string[] | null,
  page: Page,
): Promise<MaterialSiteRow[]> {
  let query = db.selectFrom('materialSites').selectAll().where('siteId', '=', siteId);
  if (materialIds) {
    if (materialIds.length === 0) return Promise.resolve([]);
    query = query.where('materialId', '=', (eb) => eb.fn.any(eb.val(materialIds)));
  }
  return keysetPage(query, MATERIAL_SITES_KEYSET, page).execute();
}

export type LockedMaterialSite = MaterialSiteRow & { standardCost: number };

/** Locks a material-site row for the rest of the transaction (with its material's standard cost). */
export function lockMaterialSite(db: Kysely<ErpDatabase>, key: MaterialSiteKey): Promise<LockedMaterialSite | undefined> {
  return db
    .selectFrom('materialSites as ms')
    .innerJoin('materials as m', 'm.id', 'ms.materialId')
    .selectAll('ms')
    .select('m.standardCost')
    .where('ms.materialId', '=', key.materialId)
    .where('ms.siteId', '=', key.siteId)
    .forUpdate('ms')
    .executeTakeFirst();
}

/** Sets a material-site's stock figures and stamps the movement time. */
export function updateMaterialSiteStock(
  db: Kysely<ErpDatabase>,
  key: MaterialSiteKey,
  stock: { bookQuantity: number; blockedQuantity: number },
): Promise<MaterialSiteRow> {
  return db
    .updateTable('materialSites')
    .set({ ...stock, lastMovementAt: new Date() })
    .where('materialId', '=', key.materialId)
    .where('siteId', '=', key.siteId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
