import type { Kysely } from 'kysely';
import { ANONYMOUS, type Caller } from '../../../../platform/caller';
import type { GaugesDatabase } from './db';
import { createGaugesLoaders, type GaugesLoaders } from './loaders';

export interface GaugesContext {
  db: Kysely<GaugesDatabase>;
  caller: Caller;
  loaders: GaugesLoaders;
  idempotencyKey?: string;
}

/** A fresh context (and fresh loaders) for each request. */
export function createGaugesContext(db: Kysely<GaugesDatabase>, caller: Caller = ANONYMOUS, idempotencyKey?: string): GaugesContext {
  return { db, caller, loaders: createGaugesLoaders(db), idempotencyKey };
}
