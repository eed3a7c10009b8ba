import type { Kysely } from 'kysely';
import type { GaugesDatabase } from '../db';

export type GaugeRow = GaugesDatabase['gauges'];

/** The gauges with these ids, in any order (the loader puts them in key order). */
export function findGaugesByIds(db: Kysely<GaugesDatabase>, ids: readonly string[]): Promise<GaugeRow[]> {
  return db
    .selectFrom('gauges')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}
