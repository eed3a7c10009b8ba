/**
 * Keyset paging in SQL: a page is `where (sort key) > (cursor) order by sort key limit first + 1`,
 * which an index on the sort key answers by a seek, whatever the page's position (no OFFSET scan),
 * and which stays stable while rows are inserted before the cursor.
 *
 * Nested lists page per parent in one statement for a whole batch of parents: the parents' keys
 * are unnested and each one's page is a LATERAL subquery with its own LIMIT, so a level of a query
 * costs one statement however many parents it has and however deep the page is.
 */
import { sql, type Expression, type Kysely, type SelectQueryBuilder } from 'kysely';
import { textArray } from '../../../platform/db/key-arrays';
import type { Keyset, Page } from './page';

const bareName = (column: string) => (column.includes('.') ? column.slice(column.lastIndexOf('.') + 1) : column);

/** Adds the cursor condition, the keyset order and `limit first + 1` to a query of one list. */
export function keysetPage<Q extends SelectQueryBuilder<any, any, any>>(query: Q, keyset: Keyset, page: Page): Q {
  let paged: SelectQueryBuilder<any, any, any> = query;
  if (page.after !== null) {
    const columns = sql.join(keyset.columns.map((column) => sql.ref(column)));
    const values = sql.join(page.after.map((value) => sql`${value}`));
    const comparison = keyset.direction === 'asc' ? sql`>` : sql`<`;
    paged = paged.where(sql<boolean>`(${columns}) ${comparison} (${values})`);
  }
  for (const column of keyset.columns) paged = paged.orderBy(sql.ref(column), keyset.direction);
  return paged.limit(page.first + 1) as Q;
}

/**
 * The page of each parent, in one statement: `children(parentKey)` is the list's query for one
 * parent (its rows must select the keyset columns); the result has one array of up to
 * `first + 1` rows per key of `parentKeys`, in the same order.
 */
export function pagesByParent<R extends object>(
  db: Kysely<any>,
  parentKeys: readonly string[],
  keyset: Keyset,
  page: Page,
  children: (parentKey: Expression<string>) => SelectQueryBuilder<any, any, R>,
): Promise<R[][]> {
  return pagesByCompositeParent(
    db,
    parentKeys.map((key) => [key]),
    keyset,
    page,
    ([key]) => children(key!),
  );
}

/** `pagesByParent` for parents with a key of several text columns (all keys of one arity). */
export async function pagesByCompositeParent<R extends object>(
  db: Kysely<any>,
  parentKeys: readonly (readonly string[])[],
  keyset: Keyset,
  page: Page,
  children: (parentKey: Expression<string>[]) => SelectQueryBuilder<any, any, R>,
): Promise<R[][]> {
  const joined = (key: readonly string[]) => (key.length === 1 ? key[0]! : key.join('\u0000'));
  const distinct = [...new Map(parentKeys.map((key) => [joined(key), key] as const)).values()];
  if (distinct.length === 0) return parentKeys.map(() => []);
  const arity = distinct[0]!.length;
  const columns = Array.from({ length: arity }, (_, i) => `pagedParent${i}`);
  const unnested = sql.join(columns.map((column, i) => sql`unnest(${textArray(distinct.map((key) => key[i]!))}) as ${sql.ref(column)}`));
  let query = db
    .selectFrom(sql<Record<string, string>>`(select ${unnested})`.as('parent'))
    .innerJoinLateral(
      (eb) => keysetPage(children(columns.map((column) => eb.ref(`parent.${column}`) as Expression<string>)), keyset, page).as('child'),
      (join) => join.onTrue(),
    )
    .selectAll('child')
    .select(columns.map((column) => `parent.${column}`) as any);
  for (const column of columns) query = query.orderBy(`parent.${column}`);
  for (const column of keyset.columns) query = query.orderBy(sql.ref(`child.${bareName(column)}`), keyset.direction);
  const groups = new Map<string, R[]>();
  // The parent key columns stay on the rows: deleting a property turns every row into a
  // dictionary-mode object, slower for each field graphql-js reads from it afterwards.
  for (const row of (await query.execute()) as Record<string, unknown>[]) {
    const key = arity === 1 ? (row[columns[0]!] as string) : joined(columns.map((column) => row[column] as string));
    const group = groups.get(key);
    if (group) group.push(row as R);
    else groups.set(key, [row as R]);
  }
  return parentKeys.map((key) => groups.get(joined(key)) ?? []);
}
