import { GraphQLError } from 'graphql';

/** Every error code a client may see from a subgraph. */
export type ErrorCode = 'NOT_FOUND' | 'BAD_USER_INPUT' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID_STATE' | 'IDEMPOTENCY_KEY_REUSED';

/** A client-facing error with a literal code; the message says what was expected and what arrived. */
export function userError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export function notFound(type: string, id: string): GraphQLError {
  return userError('NOT_FOUND', `${type} "${id}" does not exist`, { type, id });
}

export function badInput(field: string, message: string): GraphQLError {
  return userError('BAD_USER_INPUT', `${field}: ${message}`, { field });
}
