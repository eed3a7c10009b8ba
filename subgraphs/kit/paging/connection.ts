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
 * A page whose cursors are made when read: `edges` and `pageInfo` are built on first access. Most
 * queries select only `nodes` (and the gateway's plans `pageInfo` at most), and encoding a cursor
 * for every row of every page of a nested list was a visible share of a subgraph's CPU and garbage.
 */
class LazyConnection<R extends object, T> implements Connection<T> {
  readonly nodes: T[];
  readonly #rows: readonly R[];
  readonly #hasNextPage: boolean;
  readonly #hasPreviousPage: boolean;
  readonly #keyset: Keyset;
  #edges: Edge<T>[] | undefined;
  #pageInfo: PageInfo | undefined;

  constructor(rows: readonly R[], nodes: T[], hasNextPage: boolean, hasPreviousPage: boolean, keyset: Keyset) {
    this.#rows = rows;
    this.nodes = nodes;
    this.#hasNextPage = hasNextPage;
    this.#hasPreviousPage = hasPreviousPage;
    this.#keyset = keyset;
  }

  get edges(): Edge<T>[] {
    return (this.#edges ??= this.#rows.map((row, i) => ({ cursor: cursorOf(this.#keyset, row), node: this.nodes[i]! })));
  }

  get pageInfo(): PageInfo {
    if (!this.#pageInfo) {
      const rows = this.#rows;
      this.#pageInfo = {
        hasNextPage: this.#hasNextPage,
        hasPreviousPage: this.#hasPreviousPage,
        startCursor: rows.length ? cursorOf(this.#keyset, rows[0]!) : null,
        endCursor: rows.length ? cursorOf(this.#keyset, rows[rows.length - 1]!) : null,
      };
    }
    return this.#pageInfo;
  }
}

/**
 * A connection from the rows a keyset query returned: the query asks for `first + 1` rows, so
 * one extra row means a next page exists. `toNode` maps a row to what the node type resolves from
 * (the row itself by default). Cursors are encoded only for the edges and page info a query reads.
 */
export function toConnection<R extends object, T = R>(
  rows: readonly R[],
  page: Page,
  keyset: Keyset,
  toNode?: (row: R) => T,
): Connection<T> {
  const hasNextPage = rows.length > page.first;
  const pageRows = hasNextPage ? rows.slice(0, page.first) : rows;
  const nodes = toNode ? pageRows.map(toNode) : (pageRows.slice() as unknown as T[]);
  return new LazyConnection(pageRows, nodes, hasNextPage, page.after !== null, keyset);
}
