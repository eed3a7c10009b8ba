import { badInput } from '../kit/errors';
import { readPage, type Keyset, type Page, type PageArgs } from '../kit/paging';
import type { InspectionPageRow, InspectionRow } from './inspection/inspection.repository';
import type { NonconformancePageRow, NonconformanceRow } from './nonconformance/nonconformance.repository';

const INSTANT_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Whether the text names a real instant (not February 30th). */
function isInstant(text: string): boolean {
  const parsed = new Date(text);
  return INSTANT_TEXT.test(text) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === text.slice(0, 19);
}

/**
 * `readPage` for a list whose keyset leads with a `timestampKey`: a cursor whose first value is
 * not such an instant was not made here, and PostgreSQL would read words like 'yesterday' as one.
 */
export function readTimestampPage(args: PageArgs, keyset: Keyset): Page {
  const page = readPage(args, keyset);
  const instant = page.after?.[0];
  if (page.after && !(typeof instant === 'string' && isInstant(instant))) {
    throw badInput('after', `not a cursor; pass the endCursor (or an edge's cursor) of a page of ${keyset.list}`);
  }
  return page;
}

/** A row read with `timestampKey` back to the Date its GraphQL type serves. */
function withTimestamp<R extends object, K extends keyof R & string>(row: R, key: K): Omit<R, K> & Record<K, Date> {
  return { ...row, [key]: new Date(row[key] as unknown as string) } as Omit<R, K> & Record<K, Date>;
}

/** An inspection of a page as its type resolves it (the cursor text of `createdAt` read back as a Date). */
export const inspectionOfPage = (row: InspectionPageRow): InspectionRow => withTimestamp(row, 'createdAt');

/** An NCR of a page as its type resolves it (the cursor text of `reportedAt` read back as a Date). */
export const nonconformanceOfPage = (row: NonconformancePageRow): NonconformanceRow => withTimestamp(row, 'reportedAt');
