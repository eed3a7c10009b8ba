import { sql, type Kysely, type Migration } from 'kysely';
import { TEXT_LIMITS } from '../../kit/validation';

/**
 * The material numbers quality may name: ERP owns the materials, quality keeps their numbers so
 * that an NCR cannot name a material that does not exist. A database seeded before this list
 * existed starts with the materials its own records name.
 */
export const materialNumbersMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('materials').addColumn('id', sql`varchar(${sql.raw(String(TEXT_LIMITS.id))})`, (c) => c.primaryKey()).execute();
    await sql`
      insert into materials (id)
      select material_id from inspections union select material_id from quality_holds union select material_id from nonconformances
      on conflict do nothing`.execute(db);
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('materials').execute();
  },
};
