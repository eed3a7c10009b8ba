import { sql, type RawBuilder } from 'kysely';

/**
 * A `timestamptz` column as the text a keyset cursor carries: UTC, microseconds, fixed width
 * ("2026-03-01T08:15:00.123456Z"). A JavaScript Date would drop the microseconds and repeat or
 * skip rows; this text reads back as exactly the stored instant when compared with the column,
 * and its fixed width makes text order the same as time order.
 */
export function timestampKey(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
