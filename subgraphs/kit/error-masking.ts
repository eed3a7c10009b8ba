import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { REQUEST_ID_HEADER } from '../../platform/http';
import type { Logger } from '../../platform/logger';
import { shortenMessage } from '../../platform/preview';

/** What a client reads instead of an internal failure's own text. */
export const INTERNAL_MESSAGE = `internal error; the ${REQUEST_ID_HEADER} response header names the request in the server's log`;

/**
 * The failure behind an error when no code of ours threw it on purpose: a database error, a bug.
 * A `GraphQLError` thrown by a resolver (wrapped by graphql-js with itself as original) is not one.
 */
export function internalCause(error: unknown): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8; depth++) {
    if (!(current instanceof GraphQLError)) return current instanceof Error ? current : new Error(String(current));
    if (!current.originalError || current.originalError === current) return undefined;
    current = current.originalError;
  }
  return undefined;
}

/** Apollo's `formatError`: internal failures reach the client as a generic INTERNAL_SERVER_ERROR, never their own text; other messages quote input only shortened. */
export function maskInternalError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (!internalCause(error)) return { ...formatted, message: shortenMessage(formatted.message) };
  return { message: INTERNAL_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Logs each internal failure, with the request id and the path, before `maskInternalError` hides it from the client. */
export function internalErrorLogPlugin<TContext extends BaseContext>(logger: Logger): ApolloServerPlugin<TContext> {
  return {
    async contextCreationDidFail({ error }) {
      const cause = internalCause(error);
      if (cause) logger.error({ err: cause }, 'internal error while building the request context');
    },
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, request }) {
          for (const error of errors) {
            const cause = internalCause(error);
            if (!cause) continue;
            const requestId = request.http?.headers.get(REQUEST_ID_HEADER);
            logger.error({ requestId, path: error.path, err: cause }, 'internal error');
          }
        },
      };
    },
  };
}
