/**
 * Relay-style connections (https://relay.dev/graphql/connections.htm): `nodes` for clients that
 * only want the rows, `edges { cursor node }` for those that page from any row, and `pageInfo`.
 *
 * Connection, edge and page-info types are value types that several systems return, so they are
 * `@shareable`; a system that serves one adds `PAGING_FEDERATION_IMPORTS` to its federation imports.
 * Create each connection type once, beside its node type: `export const LotConnection = connectionOf(Lot, 'Lot')`.
 */
import { Directive, Field, ObjectType, type ClassType } from 'type-graphql';
import { encodeCursor } from './cursor';
import type { Keyset, Page } from './page';

export const PAGING_FEDERATION_IMPORTS = ['@shareable'] as const;

@Directive('@shareable')
@ObjectType({ description: 'Where a page sits in its list. Pages go forward: pass endCursor as after to get the next one.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether rows follow this page' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether this page started after a cursor' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first row of this page; null when the page is empty' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last row of this page; null when the page is empty' })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  nodes: T[];
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** The GraphQL connection type of `node`, named `<name>Connection` with edges `<name>Edge`. */
export function connectionOf<T extends object>(node: ClassType<T>, name: string): ClassType<Connection<T>> {
  @Directive('@shareable')
  @ObjectType(`${name}Edge`, { description: `One ${name} of a page and the cursor to page on from it` })
  class EdgeType {
    @Field(() => String, { description: 'Pass as after to get the rows that follow this one' })
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @Directive('@shareable')
  @ObjectType(`${name}Connection`, { description: `A page of ${name} rows` })
  class ConnectionType {
    @Field(() => [node], { description: 'The rows of this page, in order' })
    nodes!: T[];

    @Field(() => [EdgeType], { description: 'The rows of this page with their cursors' })
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** The value of a row's key column (`lots.id` reads `id`). */
function columnValue(row: object, column: string): unknown {
  const name = column.includes('.') ? column.slice(column.lastIndexOf('.') + 1) : column;
  return (row as Record<string, unknown>)[name];
}

/** The cursor of `row` in the list `keyset`. */
export function cursorOf(keyset: Keyset, row: object): string {
  return encodeCursor(
    keyset.list,
    keyset.columns.map((column) => columnValue(row, column)),
  );
}

/**
 * A connection from the rows a keyset query returned: the query asks for `first + 1` rows, so
 * one extra row means a next page exists. `toNode` maps a row to what the node type resolves from
 * (the row itself by default).
 */
export function toConnection<R extends object, T = R>(
  rows: readonly R[],
  page: Page,
  keyset: Keyset,
  toNode: (row: R) => T = (row) => row as unknown as T,
): Connection<T> {
  const hasNextPage = rows.length > page.first;
  const pageRows = hasNextPage ? rows.slice(0, page.first) : rows;
  const edges = pageRows.map((row) => ({ cursor: cursorOf(keyset, row), node: toNode(row) }));
  return {
    nodes: edges.map((edge) => edge.node),
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
