/*
 * A mutation's result as stored JSON and back. Rows carry Date values, which JSON would turn into
 * strings that resolvers and scalars no longer read as dates, so dates travel tagged.
 */

const DATE_TAG = '$date';

/** The result as JSON text, dates tagged. */
export function encodeOutcome(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value, function (this: Record<string, unknown>, key, encoded) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE_TAG]: raw.toISOString() } : encoded;
  });
}

/** The stored result (as the driver parsed its JSON) with its dates back. */
export function decodeOutcome(stored: unknown): unknown {
  if (Array.isArray(stored)) return stored.map(decodeOutcome);
  if (stored === null || typeof stored !== 'object') return stored;
  const entries = Object.entries(stored as Record<string, unknown>);
  if (entries.length === 1 && entries[0]![0] === DATE_TAG && typeof entries[0]![1] === 'string') return new Date(entries[0]![1]);
  return Object.fromEntries(entries.map(([k, v]) => [k, decodeOutcome(v)]));
}
