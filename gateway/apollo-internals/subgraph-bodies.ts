/**
 * What a subgraph request is, read from the body `RemoteGraphQLDataSource` serialised, without
 * parsing it. The data source writes `JSON.stringify({ query, variables, ... })` with `query`
 * first, and the planner prints `query …` (or `{ … }`) for queries, `mutation …` for mutations and
 * `_entities(representations: …)` in entity fetches: none of that is a documented promise. Merging
 * and batching rely on it to leave everything else alone (a body in another shape
 * is sent as it is, never merged); the data source tells a mutation, which it never retries, by its
 * text when the fetch carries no parsed document. The canary test
 * (test/gateway/apollo-internals/canaries.test.ts) checks it on the bodies a real gateway sends.
 */

const QUERY_BODY = /^\{"query":"\s*(?:query\b|\{)/;
const MUTATION_TEXT = /^\s*mutation\b/;
const ENTITIES_BODY = /^\{"query":"\s*query\b[^"]*_entities\(/;

/** A query (root or entity fetch), as opposed to a mutation, a subscription or a body of another shape. */
export function isQueryBody(body: string): boolean {
  return QUERY_BODY.test(body);
}

/** A subgraph operation's text (`request.query`, as the planner printed it) that is a mutation. */
export function isMutationText(query: string): boolean {
  return MUTATION_TEXT.test(query);
}

/** An entity fetch (`_entities(representations: …)`); always also a query body. */
export function isEntitiesBody(body: string): boolean {
  return ENTITIES_BODY.test(body);
}
