import { sql, type Kysely, type Migration } from 'kysely';
import { invalid, type Failure } from './outcome';
import { preview } from '../../platform/preview';
import { chunks, ids, type ScalePlan } from './seed/world';
import { TEXT_LIMITS } from './validation';

/**
 * ERP owns the materials; a system of engagement that names materials keeps their numbers, so it
 * can refuse one ERP does not have. The table every such system adds to its database.
 */
export interface MaterialNumbersDatabase {
  materials: { id: string };
}

// These functions take any system's database whose interface extends MaterialNumbersDatabase.
type AnyMaterialsDb = Kysely<any>;
const materials = (db: AnyMaterialsDb) => db as unknown as Kysely<MaterialNumbersDatabase>;

/**
 * Creates the `materials` list. A database seeded before the list existed starts with the
 * materials its own rows name (`backfill`: `select material_id from …` statements).
 */
export function materialNumbersMigration(backfill: readonly string[]): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('materials')
        .addColumn('id', sql`varchar(${sql.raw(String(TEXT_LIMITS.id))})`, (c) => c.primaryKey())
        .execute();
      for (const select of backfill) {
        await sql`insert into materials (id) ${sql.raw(select)} where material_id is not null on conflict do nothing`.execute(db);
      }
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('materials').execute();
    },
  };
}

/** Whether ERP has a material of this number, as far as the list knows. */
export async function materialExists(db: AnyMaterialsDb, id: string): Promise<boolean> {
  return (await materials(db).selectFrom('materials').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** A BAD_USER_INPUT failure naming the field when ERP has no such material, else null. */
export async function unknownMaterial(db: AnyMaterialsDb, field: string, id: string): Promise<Failure | null> {
  return (await materialExists(db, id)) ? null : invalid(field, `expected a material number ERP has, got ${preview(id)}`);
}

/** Adds material numbers to the list (the seed, and whatever later tells the system of new materials). */
export async function addMaterialNumbers(db: AnyMaterialsDb, numbers: readonly string[]): Promise<void> {
  if (numbers.length === 0) return;
  await materials(db)
    .insertInto('materials')
    .values(numbers.map((id) => ({ id })))
    .onConflict((c) => c.column('id').doNothing())
    .execute();
}

/** Seeds the list with every material of the plant. */
export async function seedMaterialNumbers(db: AnyMaterialsDb, plan: ScalePlan): Promise<void> {
  const numbers = Array.from({ length: plan.materials }, (_, i) => ids.material(i + 1));
  for (const batch of chunks(numbers, 5000)) await addMaterialNumbers(db, batch);
}
