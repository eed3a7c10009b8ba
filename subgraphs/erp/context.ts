import { ANONYMOUS, type Caller } from '../../platform/caller';
import type { Kysely } from 'kysely';
import type { ErpDatabase } from './db';
import { createErpLoaders, type ErpLoaders } from './loaders';

export interface ErpContext {
  db: Kysely<ErpDatabase>;
  /** Who is calling (row-level rules, audit trails). */
  caller: Caller;
  loaders: ErpLoaders;
  /** The request's `Idempotency-Key` header: mutations apply once per key (kit/idempotency). */
  idempotencyKey?: string;
}

/** A fresh context (and fresh loaders) for each request. */
export function createErpContext(db: Kysely<ErpDatabase>, caller: Caller = ANONYMOUS, idempotencyKey?: string): ErpContext {
  return { db, caller, loaders: createErpLoaders(db), idempotencyKey };
}
