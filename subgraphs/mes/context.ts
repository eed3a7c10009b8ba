import type { Kysely } from 'kysely';
import { ANONYMOUS, type Caller } from '../../platform/caller';
import type { MesDatabase } from './db';
import { createMesLoaders, type MesLoaders } from './loaders';

export interface MesContext {
  db: Kysely<MesDatabase>;
  /** Who is calling (row-level rules, audit trails). */
  caller: Caller;
  loaders: MesLoaders;
  /** The request's `Idempotency-Key` header: mutations apply once per key (kit/idempotency). */
  idempotencyKey?: string;
}

/** A fresh context (and fresh loaders) for each request. */
export function createMesContext(db: Kysely<MesDatabase>, caller: Caller = ANONYMOUS, idempotencyKey?: string): MesContext {
  return { db, caller, loaders: createMesLoaders(db), idempotencyKey };
}
