import type { Kysely } from 'kysely';
import { textArray, unnestPairs } from '../../../platform/db/key-arrays';
import type { InventoryDatabase } from '../db';
import { UNPOSTED_COUNTED } from '../enums';
// The keyset functions alone: a repository needs none of the kit's GraphQL types.
import { keysetPage } from '../../kit/paging/keyset';
import type { Keyset, Page } from '../../kit/paging';

export type MaterialSiteProfileRow = InventoryDatabase['materialSiteProfiles'];
export interface MaterialSiteKey {
  materialId: string;
  siteId: string;
}

/** The cache and index key of a material-site. */
export const materialSiteKey = (k: MaterialSiteKey) => `${k.materialId}\u0000${k.siteId}`;

export function findProfilesByKeys(db: Kysely<InventoryDatabase>, keys: readonly MaterialSiteKey[]): Promise<MaterialSiteProfileRow[]> {
  return db
    .selectFrom('materialSiteProfiles')
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

/** The discrepancy worklist pages by material id (unique within its one site); (site_id, material_id) serves it. */
export const COUNT_DISCREPANCIES_KEYSET: Keyset = {
  list: 'countDiscrepancies',
  columns: ['p.materialId'],
  kinds: ['text'],
  direction: 'asc',
};

/** One page of the material-sites whose latest count has not been posted to ERP (recount due, awaiting approval or posting). */
export function pageDiscrepancies(
  db: Kysely<InventoryDatabase>,
  siteId: string,
  abcClass: string | null,
  page: Page,
): Promise<MaterialSiteProfileRow[]> {
  let query = db
    .selectFrom('materialSiteProfiles as p')
    .selectAll('p')
    .where('p.siteId', '=', siteId)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('countTasks as t')
          .select('t.id')
          .whereRef('t.materialId', '=', 'p.materialId')
          .whereRef('t.siteId', '=', 'p.siteId')
          .where('t.status', '=', (eb) => eb.fn.any(eb.val(UNPOSTED_COUNTED))),
      ),
    );
  if (abcClass) query = query.where('p.abcClass', '=', abcClass);
  return keysetPage(query, COUNT_DISCREPANCIES_KEYSET, page).execute();
}
