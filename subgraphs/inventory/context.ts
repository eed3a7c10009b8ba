import { ANONYMOUS, type Caller } from '../../platform/caller';
import type { Kysely } from 'kysely';
import type { InventoryDatabase } from './db';
import { createInventoryLoaders, type InventoryLoaders } from './loaders';

export interface InventoryContext {
  db: Kysely<InventoryDatabase>;
  /** Who is calling (row-level rules, audit trails). */
  caller: Caller;
  loaders: InventoryLoaders;
  /** The request's `Idempotency-Key` header: mutations apply once per key (kit/idempotency). */
  idempotencyKey?: string;
}

export function createInventoryContext(
  db: Kysely<InventoryDatabase>,
  caller: Caller = ANONYMOUS,
  idempotencyKey?: string,
): InventoryContext {
  return { db, caller, loaders: createInventoryLoaders(db), idempotencyKey };
}
