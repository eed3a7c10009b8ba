/**
 * Batched lookups send their keys as array parameters, one per key column, never one parameter
 * per key: the statement's text then stays the same whatever the batch size (PostgreSQL parses
 * it like any other short statement) and its bind message stays small. A single key column needs
 * nothing from here: `.where('id', '=', (eb) => eb.fn.any(eb.val(ids)))` is `"id" = any($1)`, and
 * PostgreSQL types `$1` as an array of the column's type. Composite keys go through `unnest`,
 * whose arguments PostgreSQL cannot type by itself: hence the casts below.
 */
import { sql, type Expression, type RawBuilder } from 'kysely';

/** Text keys as one `text[]` parameter. */
export function textArray(values: readonly string[]): RawBuilder<readonly string[]> {
  return sql<readonly string[]>`${values}::text[]`;
}

/** Integer keys (PostgreSQL `integer`) as one `int[]` parameter. */
export function intArray(values: readonly number[]): RawBuilder<readonly number[]> {
  return sql<readonly number[]>`${values}::int[]`;
}

/**
 * The pairs made of two equally long arrays, element by element, as a parenthesised subquery for
 * `eb(refTuple('a', 'b'), 'in', unnestPairs(textArray(as), textArray(bs)))`, which is
 * `("a", "b") in (select * from unnest($1::text[], $2::text[]))`. `in` keeps the semantics of a
 * list of tuples: a key given twice still matches its rows once.
 */
export function unnestPairs<A, B>(first: Expression<readonly A[]>, second: Expression<readonly B[]>): RawBuilder<[A, B]> {
  return sql<[A, B]>`(select * from unnest(${first}, ${second}))`;
}
