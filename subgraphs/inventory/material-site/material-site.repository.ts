import type { Kysely } from 'kysely';
import { textArray, unnestPairs } from '../../../platform/db/key-arrays';
import type { InventoryDatabase } from '../db';
import { UNPOSTED_COUNTED } from '../enums';

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
      eb(refTuple('materialId', 'siteId'), 'in', unnestPairs(textArray(keys.map((k) => k.materialId)), textArray(keys.map((k) => k.siteId)))),
    )
    .execute();
}

/** Material-sites whose latest count has not been posted to ERP (recount due, awaiting approval or posting). */
export function listDiscrepancies(db: Kysely<InventoryDatabase>, siteId: string, abcClass?: string | null): Promise<MaterialSiteProfileRow[]> {
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
  return query.orderBy('p.materialId').execute();
}
