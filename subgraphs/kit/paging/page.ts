/**
 * The arguments every paged list takes (`first`, `after`) and their checked form.
 */
import 'reflect-metadata';
import { ArgsType, Field, Int } from 'type-graphql';
import { badInput } from '../errors';
import { decodeCursor, type CursorValue } from './cursor';

import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../../platform/paging';

export { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX };

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Rows in this page, 1 to ${PAGE_SIZE_MAX}; default ${PAGE_SIZE_DEFAULT}` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Start after this cursor (the previous page's pageInfo.endCursor)" })
  after?: string | null;
}

/**
 * What a key column holds, so that a cursor's values are checked before they reach SQL (PostgreSQL
 * would read 'tomorrow' as a date, and fail on 'x'): `text`; `integer` (also bigint, which pg
 * returns as digits); `date` (a `date` column, which pg returns as "YYYY-MM-DD"); `timestamp` (a
 * `timestamptz` column selected with `timestampKey`, since a JavaScript Date drops microseconds).
 */
export type KeyKind = 'text' | 'integer' | 'date' | 'timestamp';

/** How a list is ordered: its name (cursors are bound to it), its key columns (unique together) and direction. */
export interface Keyset {
  list: string;
  /** Columns as the rows carry them (camelCase); the last one must make the order total (an id). */
  columns: readonly string[];
  /** What each column holds, in the order of `columns`. */
  kinds: readonly KeyKind[];
  direction: 'asc' | 'desc';
}

/** A checked page request. */
export interface Page {
  first: number;
  /** Sort-key values of the row to start after, or null for the first page. */
  after: readonly CursorValue[] | null;
  /** The cursor as the client sent it (identifies the page for loader caches). */
  afterCursor: string | null;
}

/** Checks `first` and `after` against the list's keyset; bad values are BAD_USER_INPUT. */
export function readPage(args: PageArgs, keyset: Keyset): Page {
  const first = args.first ?? PAGE_SIZE_DEFAULT;
  if (!Number.isInteger(first) || first < 1 || first > PAGE_SIZE_MAX) {
    throw badInput('first', `expected 1 to ${PAGE_SIZE_MAX} rows per page, got ${first}`);
  }
  const afterCursor = args.after ?? null;
  const after = afterCursor === null ? null : decodeCursor(keyset.list, keyset.columns.length, afterCursor);
  if (after && !after.every((value, i) => holds(keyset.kinds[i] ?? 'text', value))) {
    throw badInput('after', `not a cursor; pass the endCursor (or an edge's cursor) of a page of ${keyset.list}`);
  }
  return { first, after, afterCursor };
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Whether a cursor value is what its column holds (a real day, not February 30th). */
function holds(kind: KeyKind, value: CursorValue): boolean {
  switch (kind) {
    case 'text':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' || /^-?\d{1,19}$/.test(value);
    case 'date':
      return typeof value === 'string' && DATE_TEXT.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
    case 'timestamp': {
      if (typeof value !== 'string' || !INSTANT_TEXT.test(value)) return false;
      const parsed = new Date(value);
      return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === value.slice(0, 19);
    }
  }
}
