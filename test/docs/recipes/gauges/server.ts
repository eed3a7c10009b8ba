import type { SystemName } from '../../../../platform/systems';
import type { SystemModule } from '../../../../subgraphs/kit/system';
import { createGaugesContext, type GaugesContext } from './context';
import type { GaugesDatabase } from './db';
import { gaugesMigrations } from './migrations';
import { buildGaugesSchema } from './schema';
import { seedGauges } from './seed';

/**
 * A throwaway system built as CONTRIBUTING.md's "Add a system" recipe says. A real one is named
 * in the registry (platform/systems.ts); this one is not, hence the cast.
 */
export const gaugesSystem: SystemModule<GaugesDatabase, GaugesContext> = {
  name: 'gauges' as SystemName,
  migrations: gaugesMigrations,
  buildSchema: buildGaugesSchema,
  createContext: createGaugesContext,
  seed: seedGauges,
  isEmpty: async (db) => !(await db.selectFrom('gauges').select('id').limit(1).executeTakeFirst()),
};
