import type { Kysely } from 'kysely';
import type { ErpDatabase } from './db';
import { createErpLoaders, type ErpLoaders } from './loaders';

export interface ErpContext {
  db: Kysely<ErpDatabase>;
  loaders: ErpLoaders;
}

/** A fresh context (and fresh loaders) for each request. */
export function createErpContext(db: Kysely<ErpDatabase>): ErpContext {
  return { db, loaders: createErpLoaders(db) };
}
