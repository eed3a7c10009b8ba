import { sql, type Kysely } from 'kysely';
import { snakeCaseOf } from '../../../platform/db/camel-case';
import type { Progress } from './progress';

/** Rows per statement: one JSON document of a few megabytes that the server turns into rows. */
export const BULK_BATCH = 20_000;

/**
 * Inserts seed rows in large batches: each batch travels as one JSON parameter and PostgreSQL
 * unpacks it with `json_populate_recordset` into the table's own row type, so every value is
 * converted by the column's type exactly as a parameter of a multi-row INSERT would be, and
 * columns the rows leave out take their defaults. One statement per batch instead of one
 * parameter per value: far less to build in Node and to parse on the server.
 */
export async function bulkInsert<DB>(
  db: Kysely<DB>,
  table: keyof DB & string,
  rows: readonly object[],
  progress?: { progress: Progress; label: string },
  batchSize = BULK_BATCH,
): Promise<void> {
  if (rows.length === 0) return;
  const seen = new Set<string>();
  for (const row of rows) for (const key in row) seen.add(key);
  const keys = [...seen];
  const columns = keys.map(snakeCaseOf);
  const columnList = sql.join(columns.map((c) => sql.id(c)));
  const tableName = snakeCaseOf(table);
  for (let done = 0; done < rows.length; done += batchSize) {
    progress?.progress.step(progress.label, done, rows.length);
    const batch = rows.slice(done, done + batchSize);
    const json = JSON.stringify(
      batch.map((row) => {
        const out: Record<string, unknown> = {};
        for (let k = 0; k < keys.length; k++) out[columns[k]!] = (row as Record<string, unknown>)[keys[k]!];
        return out;
      }),
    );
    await sql`insert into ${sql.id(tableName)} (${columnList}) select ${columnList} from json_populate_recordset(null::${sql.id(tableName)}, ${json}::json)`.execute(
      db,
    );
  }
}
