import type { Kysely } from 'kysely';
import { ANONYMOUS, type Caller } from '../../platform/caller';
import type { CrmDatabase } from './db';
import { createCrmLoaders, type CrmLoaders } from './loaders';

export interface CrmContext {
  db: Kysely<CrmDatabase>;
  /** Who is calling (audit trail). */
  caller: Caller;
  loaders: CrmLoaders;
  /** The request's `Idempotency-Key` header: mutations apply once per key (kit/idempotency). */
  idempotencyKey?: string;
}

/** A fresh context (and fresh loaders) for each request. */
export function createCrmContext(db: Kysely<CrmDatabase>, caller: Caller = ANONYMOUS, idempotencyKey?: string): CrmContext {
  return { db, caller, loaders: createCrmLoaders(db), idempotencyKey };
}
