/**
 * The fence: every use the gateway makes of an Apollo API that is not public lives in this folder,
 * and the rest of the code imports it from here only (an ESLint rule refuses deep imports,
 * `@apollo/federation-internals` and `@apollo/query-planner` anywhere else). What each file
 * relies on, and what to check when upgrading, is in docs/apollo-internals.md.
 *
 * Upgrade checklist (`@apollo/gateway`, `@apollo/server`, `@apollo/federation-internals`,
 * `@apollo/query-planner` and `@apollo/composition` are pinned to exact versions in package.json;
 * move them together, to the versions `@apollo/gateway` itself depends on):
 *
 * 1. `npm install --save-exact` the new versions, then `npx jest test/gateway/apollo-internals`:
 *    the canary tests name what moved.
 * 2. result-shaping.ts: `@apollo/gateway/dist/resultShaping` still exports `computeResponse`
 *    with the same input (`operation`, `variables`, `input`, `introspectionHandling`), and the
 *    executor still reads it from the module object on each request (canary: a real gateway
 *    request is shaped by the planned shaper). Compare the shapers on its test's generated
 *    answers: a change in Apollo's output (messages, paths, key order) must be copied.
 * 3. query-planning.ts: `Supergraph.build`, `apiSchema`, `operationFromDocument`, `QueryPlanner`
 *    and `prettyFormatQueryPlan` keep their signatures (the explorer's plan tests).
 * 4. request-context.ts: after `didResolveOperation`, the gateway executor still plans from
 *    `requestContext.document`, keys its plan cache by `queryHash` and reads `operation`
 *    (canary: a caller without a right gets a plan without the field, after an admin's request
 *    cached the full one); Apollo Server still reports the array it hands the end hook of
 *    `validationDidStart`.
 * 5. subgraph-bodies.ts: `RemoteGraphQLDataSource` still sends `{"query":"…` first, queries still
 *    start with `query` or `{`, entity fetches still call `_entities(` (canary: bodies a real
 *    gateway sends).
 * 6. persisted-query-keys.ts: Apollo Server still prefixes automatic persisted query keys with
 *    `apq:` (canary: the key an APQ registration writes).
 * 7. Run the whole suite and `npm run bench` (ratios to vanilla as in docs/performance.md).
 */
export {
  createSupergraphPlanner,
  apiSchemaOf,
  formatQueryPlan,
  type SupergraphPlanner,
  type FetchNode,
  type PlanNode,
  type QueryPlan,
} from './query-planning';
export { replaceOperationDocument, replaceValidationErrors } from './request-context';
export { isEntitiesBody, isMutationText, isQueryBody } from './subgraph-bodies';
export { persistedQueryHashOf } from './persisted-query-keys';
export { apolloComputeResponse, computeResponse, installResultShaping, resultShapingMode } from './result-shaping';
