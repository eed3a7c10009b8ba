import type { SystemModule } from '../kit/system';
import { inventoryOutboxHandlers } from './count-task/count-task.handoff';
import { createInventoryContext, type InventoryContext } from './context';
import type { InventoryDatabase } from './db';
import { inventoryMigrations } from './migrations';
import { buildInventorySchema } from './schema';
import { seedInventory } from './seed';

/** Inventory, the system of engagement for cycle counting. */
export const inventorySystem: SystemModule<InventoryDatabase, InventoryContext> = {
  name: 'inventory',
  migrations: inventoryMigrations,
  buildSchema: buildInventorySchema,
  createContext: createInventoryContext,
  seed: seedInventory,
  outbox: inventoryOutboxHandlers,
  isEmpty: async (db) => !(await db.selectFrom('materialSiteProfiles').select('materialId').limit(1).executeTakeFirst()),
};
