import type { Kysely } from 'kysely';
import { rowLoader } from '../../../../subgraphs/kit/loaders';
import type { GaugesDatabase } from './db';
import { findGaugesByIds } from './gauge/gauge.repository';

/** The gauges system's loaders; created per request. */
export function createGaugesLoaders(db: Kysely<GaugesDatabase>) {
  return {
    gauge: rowLoader(
      (ids: readonly string[]) => findGaugesByIds(db, ids),
      (row) => row.id,
    ),
  };
}

export type GaugesLoaders = ReturnType<typeof createGaugesLoaders>;
