import { badInput } from '../../kit/errors';
import { readPage, type Page, type PageArgs } from '../../kit/paging';
import { COUNT_TASKS_KEYSET } from './count-task.repository';

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** Whether the text names a real day (not February 30th). */
function isDate(text: string): boolean {
  const parsed = new Date(`${text}T00:00:00Z`);
  return DATE_TEXT.test(text) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

/**
 * The checked page of `countTasks`: a cursor whose first value is not a date was not made here,
 * and PostgreSQL would read words like 'tomorrow' as one.
 */
export function readCountTasksPage(args: PageArgs): Page {
  const page = readPage(args, COUNT_TASKS_KEYSET);
  const date = page.after?.[0];
  if (page.after && !(typeof date === 'string' && isDate(date))) {
    throw badInput('after', `not a cursor; pass the endCursor (or an edge's cursor) of a page of ${COUNT_TASKS_KEYSET.list}`);
  }
  return page;
}
