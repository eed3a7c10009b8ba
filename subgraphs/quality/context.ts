import type { Kysely } from 'kysely';
import { ANONYMOUS, type Caller } from '../../platform/caller';
import type { QualityDatabase } from './db';
import { createQualityLoaders, type QualityLoaders } from './loaders';

export interface QualityContext {
  db: Kysely<QualityDatabase>;
  /** Who is calling (row-level rules, audit trails). */
  caller: Caller;
  loaders: QualityLoaders;
  /** The request's `Idempotency-Key` header: mutations apply once per key (kit/idempotency). */
  idempotencyKey?: string;
}

/** A fresh context (and fresh loaders) for each request. */
export function createQualityContext(db: Kysely<QualityDatabase>, caller: Caller = ANONYMOUS, idempotencyKey?: string): QualityContext {
  return { db, caller, loaders: createQualityLoaders(db), idempotencyKey };
}
