import { sql, type RawBuilder } from 'kysely';

/**
 * A `timestamptz` column as the text a keyset cursor carries: UTC, microseconds, fixed width
 * ("2026-03-01T08:15:00.123456Z"). A JavaScript Date would drop the microseconds and repeat or
 * skip rows; this text reads back as exactly the stored instant when compared with the column,
 * and its fixed width makes text order the same as time order. Select it under the column's own
 * name (`timestampKey('lots.createdAt').as('createdAt')`), keep the qualified column in the keyset
 * (so the order and the cursor condition use the stored timestamp), declare its kind `timestamp`,
 * and map the rows back with `withInstant`.
 */
export function timestampKey(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** A row read with `timestampKey` back to the Date its GraphQL type serves. */
export function withInstant<R extends object, K extends keyof R & string>(row: R, key: K): Omit<R, K> & Record<K, Date> {
  return { ...row, [key]: new Date(row[key] as unknown as string) } as Omit<R, K> & Record<K, Date>;
}
