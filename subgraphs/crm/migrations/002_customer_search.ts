import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Trigram indexes behind `customers(search:)`, which matches any part of a name or number: a
 * B-tree cannot serve `ilike '%…%'`, a trigram index can (pg_trgm is a trusted extension, so the
 * database owner may create it).
 */
export const customerSearchMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index customers_name_trgm_idx on customers using gin (name gin_trgm_ops)`.execute(db);
    await sql`create index customers_id_trgm_idx on customers using gin (id gin_trgm_ops)`.execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`drop index customers_id_trgm_idx`.execute(db);
    await sql`drop index customers_name_trgm_idx`.execute(db);
    await sql`drop extension if exists pg_trgm`.execute(db);
  },
};
