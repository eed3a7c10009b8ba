/**
 * Opaque keyset cursors. A cursor is the sort-key values of one row plus the name of the list it
 * came from, as base64url JSON: clients must treat it as opaque, the server reads it back exactly.
 * Only strings and integers go in, so a value always compares equal to the column it came from
 * (a JavaScript Date would drop PostgreSQL's microseconds and repeat or skip rows).
 */
import { badInput } from '../errors';

export type CursorValue = string | number;

export function encodeCursor(list: string, values: readonly unknown[]): string {
  for (const value of values) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isSafeInteger(value))) {
      throw new Error(`${list}: keyset columns must hold text or integers, got ${value instanceof Date ? 'a Date' : typeof value}`);
    }
  }
  return Buffer.from(JSON.stringify([list, ...values]), 'utf8').toString('base64url');
}

const MAX_CURSOR_LENGTH = 512;

/** The sort-key values of `cursor`, or a BAD_USER_INPUT error that says what was expected. */
export function decodeCursor(list: string, arity: number, cursor: string): CursorValue[] {
  const refuse = (why: string) => badInput('after', `${why}; pass the endCursor (or an edge's cursor) of a page of ${list}`);
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse('not a cursor');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('not a cursor');
  }
  if (!Array.isArray(decoded) || decoded.length !== arity + 1) throw refuse('not a cursor');
  const [from, ...values] = decoded as unknown[];
  if (from !== list) throw refuse(`a cursor of ${typeof from === 'string' ? from.slice(0, 40) : 'another list'}`);
  if (!values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)))) throw refuse('not a cursor');
  return values as CursorValue[];
}
