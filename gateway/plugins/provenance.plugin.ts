import type { ApolloServerPlugin, BaseContext, GraphQLRequest } from '@apollo/server';
import { summarizeProvenance, type ProvenanceTracker } from '../authority/provenance';

export interface ProvenancePluginOptions {
  /** The tracker whose `instrumentServices` wraps the gateway's data sources. */
  tracker: ProvenanceTracker;
  /**
   * The request header that asks for provenance (value `true`); `extensions: { provenance: true }` in the body does too.
   * @default "x-plantgraph-provenance"
   */
  header?: string;
}

/** The request header that asks for provenance. */
export const PROVENANCE_HEADER = 'x-plantgraph-provenance';

/** Whether a request asks for provenance, by header (value `true`) or `extensions: { provenance: true }`. */
export function asksForProvenance(request: GraphQLRequest, header = PROVENANCE_HEADER): boolean {
  return request.http?.headers.get(header)?.trim().toLowerCase() === 'true' || request.extensions?.provenance === true;
}

/**
 * Adds `extensions.provenance` to the response of a request that asks for it: which system
 * answered which paths of the response and how long its fetches took, from the subgraph fetches
 * the query plan executed. Other requests get nothing added.
 */
export function provenancePlugin<TContext extends BaseContext>(options: ProvenancePluginOptions): ApolloServerPlugin<TContext> {
  const { tracker, header = PROVENANCE_HEADER } = options;
  return {
    async requestDidStart({ request, contextValue }) {
      if (!asksForProvenance(request, header)) return;
      tracker.enable(contextValue);
      return {
        async willSendResponse({ response, contextValue: context, schema, document, operationName }) {
          const fetches = tracker.fetches(context);
          if (!fetches || !document || response.body.kind !== 'single') return;
          const provenance = summarizeProvenance(fetches, schema, document, operationName);
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, provenance };
        },
      };
    },
  };
}
