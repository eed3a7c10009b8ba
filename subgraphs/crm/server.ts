import type { SystemModule } from '../kit/system';
import { createCrmContext, type CrmContext } from './context';
import type { CrmDatabase } from './db';
import { crmMigrations } from './migrations';
import { buildCrmSchema } from './schema';
import { seedCrm } from './seed';

/** CRM, the system of record for customer identity and relationship. */
export const crmSystem: SystemModule<CrmDatabase, CrmContext> = {
  name: 'crm',
  migrations: crmMigrations,
  buildSchema: buildCrmSchema,
  createContext: createCrmContext,
  seed: seedCrm,
  isEmpty: async (db) => !(await db.selectFrom('customers').select('id').limit(1).executeTakeFirst()),
};
