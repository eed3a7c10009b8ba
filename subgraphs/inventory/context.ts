import type { Kysely } from 'kysely';
import type { InventoryDatabase } from './db';
import { createInventoryLoaders, type InventoryLoaders } from './loaders';

export interface InventoryContext {
  db: Kysely<InventoryDatabase>;
  loaders: InventoryLoaders;
}

export function createInventoryContext(db: Kysely<InventoryDatabase>): InventoryContext {
  return { db, loaders: createInventoryLoaders(db) };
}
