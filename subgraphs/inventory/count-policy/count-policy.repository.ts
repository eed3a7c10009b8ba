import type { Kysely } from 'kysely';
import type { InventoryDatabase } from '../db';

export type CountPolicyRow = InventoryDatabase['countPolicies'];

export function findCountPoliciesBySites(db: Kysely<InventoryDatabase>, siteIds: readonly string[]): Promise<CountPolicyRow[]> {
  return db
    .selectFrom('countPolicies')
    .selectAll()
    .where('siteId', '=', (eb) => eb.fn.any(eb.val(siteIds)))
    .orderBy('abcClass')
    .execute();
}
