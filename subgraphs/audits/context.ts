import type { Kysely } from 'kysely';
import { ANONYMOUS, type Caller } from '../../platform/caller';
import type { AuditsDatabase } from './db';
import { createAuditsLoaders, type AuditsLoaders } from './loaders';

export interface AuditsContext {
  db: Kysely<AuditsDatabase>;
  /** Who is calling (row-level rules, audit trails). */
  caller: Caller;
  loaders: AuditsLoaders;
  /** The request's `Idempotency-Key` header: mutations apply once per key (kit/idempotency). */
  idempotencyKey?: string;
}

/** A fresh context (and fresh loaders) for each request. */
export function createAuditsContext(db: Kysely<AuditsDatabase>, caller: Caller = ANONYMOUS, idempotencyKey?: string): AuditsContext {
  return { db, caller, loaders: createAuditsLoaders(db), idempotencyKey };
}
