/** One page of a connection as tests select it (`nodes` plus PAGE_INFO). */
export interface ConnectionPage {
  nodes: any[];
  edges?: { cursor: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor: string | null };
}

/** The selection that lets `pageToEnd` check each page beside its `nodes`. */
export const PAGE_INFO = 'edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/**
 * Pages a list to its end through `fetch` (which gets the cursor to start after), checking each
 * page's page info against its edges; stops with an error past 1,000 pages, since a cursor that
 * repeated rows would page forever.
 */
export async function pageToEnd(fetch: (after: string | null) => Promise<ConnectionPage>): Promise<{ nodes: any[]; pages: number }> {
  const nodes: any[] = [];
  let after: string | null = null;
  for (let pages = 1; ; pages++) {
    if (pages > 1_000) throw new Error(`still paging after ${pages - 1} pages`);
    const page: ConnectionPage = await fetch(after);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    if (page.edges) {
      expect(page.edges).toHaveLength(page.nodes.length);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
      if (page.pageInfo.startCursor !== undefined) expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    }
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return { nodes, pages };
    after = page.pageInfo.endCursor;
  }
}
