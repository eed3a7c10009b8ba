import type { GraphQLDataSource, GraphQLDataSourceProcessOptions, ServiceEndpointDefinition } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { buildSubgraph } from '../../../subgraphs/kit/schema';
import type { ReconciliationContext } from './reconciliation.context';
import { ReconciliationResolver } from './reconciliation.resolver';
import { CountTaskReference, LotReference, MaterialSiteReference } from './reconciliation.type';

/** The name of the reconciliation subgraph in the supergraph; the gateway answers it in-process. */
export const RECONCILIATION = 'reconciliation';

/** The URL composition writes for it; nothing is ever sent there. */
export const RECONCILIATION_URL = 'local://gateway/reconciliation';

/** The systems whose data the reconciliation compares; it joins the graph only when all are in it. */
export const RECONCILED_SYSTEMS = ['erp', 'mes', 'inventory', 'quality'] as const;

let schema: Promise<GraphQLSchema> | undefined;

/** The reconciliation subgraph's schema (built once: type-graphql's metadata is process-wide). */
export function buildReconciliationSchema(): Promise<GraphQLSchema> {
  schema ??= buildSubgraph<ReconciliationContext>({
    resolvers: [ReconciliationResolver],
    orphanedTypes: [MaterialSiteReference, LotReference, CountTaskReference],
    federationImports: ['@key'],
  });
  return schema;
}

type Options = GraphQLDataSourceProcessOptions<Record<string, any>>;

/**
 * Runs an operation over the whole graph on behalf of the request being answered: through the
 * gateway's own pipeline, so the caller's rights, field authorization and the query planner apply.
 */
async function runAsCaller(
  apollo: ApolloServer<any>,
  incoming: GatewayGraphQLRequestContext<Record<string, any>>,
  query: string,
  variables: Record<string, unknown>,
) {
  // A copy of the context: the caller's identity, not the outer request's per-request state.
  const response = await apollo.executeOperation({ query, variables }, { contextValue: { ...incoming.context } });
  if (response.body.kind !== 'single') throw new GraphQLError('reconciliation: the graph answered incrementally');
  const { data, errors } = response.body.singleResult;
  if (errors?.length) {
    const first = errors[0]!;
    throw new GraphQLError(`reconciliation could not read the graph: ${first.message}`, {
      extensions: { ...(first.extensions ?? {}), code: first.extensions?.code ?? 'INTERNAL_SERVER_ERROR' },
    });
  }
  return data;
}

/** The data source that answers the reconciliation subgraph inside the gateway. */
class ReconciliationDataSource implements GraphQLDataSource<Record<string, any>> {
  constructor(private readonly apollo: () => ApolloServer<any>) {}

  async process(options: Options): Promise<GatewayGraphQLResponse> {
    const schema = await buildReconciliationSchema();
    const incoming = options.kind === 'incoming operation' ? options.incomingRequestContext : undefined;
    const context: ReconciliationContext = {
      query: async <T>(document: string, variables: Record<string, unknown>) => {
        if (!incoming) throw new GraphQLError('reconciliation runs only within a request');
        return (await runAsCaller(this.apollo(), incoming, document, variables)) as T;
      },
    };
    const result = await execute({
      schema,
      document: (options.kind === 'incoming operation' ? options.document : undefined) ?? parse(options.request.query ?? ''),
      variableValues: options.request.variables,
      operationName: options.request.operationName,
      contextValue: context,
    });
    return { data: result.data as Record<string, unknown> | null | undefined, errors: result.errors?.map((e) => e.toJSON()) };
  }
}

/**
 * Wraps a gateway `buildService` so that the reconciliation subgraph is answered in-process,
 * over the given Apollo Server (read when the first request arrives, after it exists).
 */
export function withReconciliation<T extends GraphQLDataSource>(
  apollo: () => ApolloServer<any>,
  build: (definition: ServiceEndpointDefinition) => T,
): (definition: ServiceEndpointDefinition) => T | GraphQLDataSource {
  return (definition) => (definition.name === RECONCILIATION ? new ReconciliationDataSource(apollo) : build(definition));
}
