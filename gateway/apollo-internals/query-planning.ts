import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { prettyFormatQueryPlan, QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';

export type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';

/** Plans operations over one supergraph with the Federation query planner the gateway runs. */
export interface SupergraphPlanner {
  /** The API schema clients see (graphql-js), for validation and limits before planning. */
  readonly apiSchema: GraphQLSchema;
  /** The plan of a document already validated against `apiSchema`; throws on a document it cannot plan. */
  plan(document: DocumentNode, operationName?: string): QueryPlan;
}

/**
 * `@apollo/gateway` plans inside its executor and offers no way to plan without executing, so the
 * explorer builds the same planner from `@apollo/query-planner` and `@apollo/federation-internals`
 * (both internal). The versions are pinned with `@apollo/gateway`'s, which depends on them.
 */
export function createSupergraphPlanner(supergraphSdl: string): SupergraphPlanner {
  const supergraph = Supergraph.build(supergraphSdl, { validateSupergraph: false });
  const schema = supergraph.apiSchema();
  const planner = new QueryPlanner(supergraph);
  return {
    apiSchema: schema.toGraphQLJSSchema(),
    plan: (document, operationName) => planner.buildQueryPlan(operationFromDocument(schema, document, { operationName })),
  };
}

/** The API schema of a supergraph (what clients see), without planning anything. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl, { validateSupergraph: false }).apiSchema().toGraphQLJSSchema();
}

/** The planner's own rendering of a plan. */
export function formatQueryPlan(plan: QueryPlan): string {
  return prettyFormatQueryPlan(plan);
}
