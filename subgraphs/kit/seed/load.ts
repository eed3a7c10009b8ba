import { sql, type Kysely } from 'kysely';

interface Rebuild {
  /** Statements that take the index or constraint away before the load. */
  drop: string;
  /** The statement that builds it again, as PostgreSQL prints its definition. */
  create: string;
}

/**
 * What a bulk load sets aside: foreign keys (checked row by row during a load, once as a whole
 * when added back) and the indexes no constraint owns (built once from sorted rows instead of
 * grown row by row). Primary keys and unique constraints stay, so a duplicate still fails the load.
 */
async function setAside(db: Kysely<any>): Promise<Rebuild[]> {
  const foreignKeys = await sql<Rebuild>`
    select format('alter table %I drop constraint %I', t.relname, c.conname) as drop,
           format('alter table %I add constraint %I %s', t.relname, c.conname, pg_get_constraintdef(c.oid)) as create
      from pg_constraint c join pg_class t on t.oid = c.conrelid
     where c.contype = 'f' and t.relnamespace = 'public'::regnamespace
     order by t.relname, c.conname`.execute(db);
  const indexes = await sql<Rebuild>`
    select format('drop index %I', x.relname) as drop, pg_get_indexdef(i.indexrelid) as create
      from pg_index i join pg_class x on x.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
     where t.relnamespace = 'public'::regnamespace and t.relname not like 'kysely%'
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
     order by t.relname, x.relname`.execute(db);
  return [...foreignKeys.rows, ...indexes.rows];
}

/**
 * Runs a system's seed as one bulk load: in a single transaction (so a failed load leaves the
 * database as empty as it was), without waiting for each commit to reach the disk, with foreign
 * keys and secondary indexes set aside during the inserts and restored (and the keys checked
 * over every row) before the commit. The rows written are exactly those of the seed function.
 */
export async function bulkLoad<DB>(db: Kysely<DB>, seed: (trx: Kysely<DB>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local synchronous_commit = off`.execute(trx);
    const rebuilds = await setAside(trx);
    for (const { drop } of rebuilds) await sql.raw(drop).execute(trx);
    await seed(trx);
    // Indexes first: adding a foreign key back checks every row against the referenced key.
    for (const { create } of [...rebuilds].reverse()) await sql.raw(create).execute(trx);
  });
}
