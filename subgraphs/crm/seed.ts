import type { Kysely } from 'kysely';
import { customerFact } from '../kit/seed/erp-world';
import { bulkInsert } from '../kit/seed/bulk';
import type { Progress } from '../kit/seed/progress';
import { type ScalePlan } from '../kit/seed/world';
import type { CrmDatabase } from './db';

/** CRM's seed: every customer of the world with its segment, country, account manager and contact. */
export async function seedCrm(db: Kysely<CrmDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  const customers = Array.from({ length: plan.customers }, (_, i) => {
    const { id, name, segment, countryCode, accountManager, primaryContactName } = customerFact(i + 1);
    return { id, name, segment, countryCode, accountManager, primaryContactName };
  });
  await bulkInsert(db, 'customers', customers, { progress, label: 'crm: customers' });
}
