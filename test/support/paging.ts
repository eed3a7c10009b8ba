import type { Caller } from '../../platform/caller';
import type { SubgraphResult } from './subgraph';

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

/** What `pageQuery` runs an operation on: a subgraph harness (test/support/subgraph.ts). */
interface Executes {
  execute(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<SubgraphResult>;
}

/**
 * Pages one operation of a subgraph harness to its end through `pageToEnd`: runs `query` with
 * `variables` and the cursor as `$after`, each answer without errors; `read` picks the connection
 * out of the data. Gives the nodes, their ids, the pages and the SQL statements of each page.
 */
export async function pageQuery(
  subgraph: Executes,
  query: string,
  variables: Record<string, unknown>,
  read: (data: any) => ConnectionPage,
  caller?: Caller,
): Promise<{ nodes: any[]; ids: string[]; pages: number; statements: number[] }> {
  const statements: number[] = [];
  const { nodes, pages } = await pageToEnd(async (after) => {
    const result = await subgraph.execute(query, { ...variables, after }, caller);
    expect(result.errors).toBeUndefined();
    statements.push(result.statements);
    return read(result.data);
  });
  return { nodes, ids: nodes.map((node: { id?: string }) => node.id!), pages, statements };
}

/** `$representations` for `_entities`: the entities of one type with these `id`s. */
export function representations(typename: string, ids: readonly string[]): { representations: { __typename: string; id: string }[] } {
  return { representations: ids.map((id) => ({ __typename: typename, id })) };
}
