import { PAGE_SIZE_MAX } from '../../../platform/paging';
import type { ReconciliationContext } from './reconciliation.context';

/** A page of a connection, as much of it as a reconciliation reads. */
export interface PageOf<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Every node of one connection, read page by page with the largest page the graph serves
 * (`$first`, `$after` in `document`). A reconciliation compares a whole site, so it reads to the
 * end; each page is one operation over the graph, held to the caller's rights and limits.
 */
export async function readAllPages<D, T>(
  ctx: ReconciliationContext,
  document: string,
  variables: Record<string, unknown>,
  connectionOf: (data: D) => PageOf<T> | null,
): Promise<T[]> {
  const all: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page = connectionOf(await ctx.query<D>(document, { ...variables, first: PAGE_SIZE_MAX, after }));
    if (!page) return all;
    all.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null) return all;
    after = page.pageInfo.endCursor;
  }
}
