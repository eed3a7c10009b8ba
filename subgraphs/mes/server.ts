import type { SystemModule } from '../kit/system';
import { createMesContext, type MesContext } from './context';
import type { MesDatabase } from './db';
import { mesMigrations } from './migrations';
import { buildMesSchema } from './schema';
import { seedMes } from './seed';

/** MES, the system of record for equipment, work-order execution, lots and genealogy. */
export const mesSystem: SystemModule<MesDatabase, MesContext> = {
  name: 'mes',
  migrations: mesMigrations,
  buildSchema: buildMesSchema,
  createContext: createMesContext,
  seed: seedMes,
  isEmpty: async (db) => !(await db.selectFrom('workCenters').select('id').limit(1).executeTakeFirst()),
};
