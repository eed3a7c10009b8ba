/**
 * The arguments every paged list takes (`first`, `after`) and their checked form.
 */
import { ArgsType, Field, Int } from 'type-graphql';
import { badInput } from '../errors';
import { decodeCursor, type CursorValue } from './cursor';

import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../../platform/paging';

export { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX };

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Rows in this page, 1 to ${PAGE_SIZE_MAX}; default ${PAGE_SIZE_DEFAULT}` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Start after this cursor (the previous page\'s pageInfo.endCursor)' })
  after?: string | null;
}

/** How a list is ordered: its name (cursors are bound to it), its key columns (unique together) and direction. */
export interface Keyset {
  list: string;
  /** Columns as the rows carry them (camelCase); the last one must make the order total (an id). */
  columns: readonly string[];
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
  return { first, after, afterCursor };
}
