import type { Kysely } from 'kysely';
import { customerFact } from '../kit/seed/erp-world';
import type { Progress } from '../kit/seed/progress';
import { chunks, type ScalePlan } from '../kit/seed/world';
import type { CrmDatabase } from './db';

/** CRM's seed: every customer of the world with its segment, country, account manager and contact. */
export async function seedCrm(db: Kysely<CrmDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  const customers = Array.from({ length: plan.customers }, (_, i) => {
    const { id, name, segment, countryCode, accountManager, primaryContactName } = customerFact(i + 1);
    return { id, name, segment, countryCode, accountManager, primaryContactName };
  });
  let done = 0;
  for (const batch of chunks(customers)) {
    progress.step('crm: customers', done, customers.length);
    await db.insertInto('customers').values(batch).execute();
    done += batch.length;
  }
}
