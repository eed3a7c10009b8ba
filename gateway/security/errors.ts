import { GraphQLError } from 'graphql';

/** Error codes the gateway itself answers with, before or around execution. */
export type GatewayErrorCode =
  | 'UNAUTHENTICATED'
  | 'AUTHENTICATION_UNAVAILABLE'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'OPERATION_TOO_COMPLEX'
  | 'TRUSTED_DOCUMENT_REQUIRED'
  | 'GRAPHQL_VALIDATION_FAILED';

/** A gateway error with its literal code and the HTTP status of the whole response. */
export function gatewayError(code: GatewayErrorCode, status: number, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status } } });
}
