import type { Kysely } from 'kysely';
import type { QualityDatabase } from '../db';

/** Whether ERP has a material of this number, as far as quality's list of material numbers knows. */
export async function materialExists(db: Kysely<QualityDatabase>, id: string): Promise<boolean> {
  return (await db.selectFrom('materials').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** Adds material numbers to the list (the seed, and whatever later tells quality of new materials). */
export async function addMaterialNumbers(db: Kysely<QualityDatabase>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.insertInto('materials').values(ids.map((id) => ({ id }))).onConflict((c) => c.column('id').doNothing()).execute();
}
