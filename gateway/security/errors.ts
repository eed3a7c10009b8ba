import { GraphQLError } from 'graphql';

/** Error codes the gateway itself answers with, before or around execution. */
export type GatewayErrorCode =
  | 'UNAUTHENTICATED'
  | 'AUTHENTICATION_UNAVAILABLE'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'OPERATION_TOO_COMPLEX'
  | 'TRUSTED_DOCUMENT_REQUIRED'
  | 'GRAPHQL_VALIDATION_FAILED'
  /** A request the endpoint cannot serve as sent (a subscription over plain HTTP). */
  | 'BAD_REQUEST'
  /** A live subscriber that let more events wait than its buffer holds; it is disconnected. */
  | 'SUBSCRIBER_TOO_SLOW';

/** Codes of the errors the gateway puts on the fields of a subgraph fetch that failed. */
export type SubgraphFetchErrorCode =
  /** The system could not be reached (or refused): the fetch was not applied; its fields are null. */
  | 'SUBGRAPH_UNAVAILABLE'
  /** The system refused the request itself (HTTP 4xx) without errors of its own. */
  | 'SUBGRAPH_REJECTED'
  /** A mutation reached the system but its answer did not arrive: it may have been applied. */
  | 'MUTATION_OUTCOME_UNKNOWN';

/** A gateway error with its literal code and the HTTP status of the whole response. */
export function gatewayError(
  code: GatewayErrorCode,
  status: number,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status } } });
}
