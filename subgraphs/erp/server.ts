import type { SystemModule } from '../kit/system';
import { createErpContext, type ErpContext } from './context';
import type { ErpDatabase } from './db';
import { erpMigrations } from './migrations';
import { buildErpSchema } from './schema';
import { seedErp } from './seed';

/** ERP, the system of record for material master, stock, orders and partners. */
export const erpSystem: SystemModule<ErpDatabase, ErpContext> = {
  name: 'erp',
  migrations: erpMigrations,
  buildSchema: buildErpSchema,
  createContext: createErpContext,
  seed: seedErp,
  isEmpty: async (db) => !(await db.selectFrom('materials').select('id').limit(1).executeTakeFirst()),
};
