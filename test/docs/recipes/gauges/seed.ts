import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../../subgraphs/kit/seed/bulk';
import type { Progress } from '../../../../subgraphs/kit/seed/progress';
import type { ScalePlan } from '../../../../subgraphs/kit/seed/world';
import type { GaugesDatabase } from './db';

/** Number of gauges per scale: enough for a 200-representation batch at scale 1. */
export const GAUGES_PER_SCALE = 250;

/** Deterministic gauges G0001…, the same rows for the same scale. */
export async function seedGauges(db: Kysely<GaugesDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  const rows = Array.from({ length: GAUGES_PER_SCALE * plan.scale }, (_, i) => ({
    id: `G${String(i + 1).padStart(4, '0')}`,
    name: `Gauge ${i + 1}`,
    calibrationIntervalDays: [90, 180, 365][i % 3]!,
  }));
  await bulkInsert(db, 'gauges', rows, { progress, label: 'gauges: gauges' });
}
