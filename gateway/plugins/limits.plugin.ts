import type { ApolloServerPlugin } from '@apollo/server';
import { checkOperationLimits, type OperationLimits } from '../security/operation-limits';

export type LimitsOptions = OperationLimits;

/**
 * Refuses operations that are too large or too expensive before any subgraph is asked (HTTP 400,
 * `OPERATION_TOO_COMPLEX`), in time linear in the document. Tokens are limited earlier, by the
 * parser (`parseOptions.maxTokens`).
 */
export function limitsPlugin(options: LimitsOptions = {}): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const { document, operation, schema, request } = requestContext;
          if (!operation) return;
          const verdict = checkOperationLimits(schema, document, operation, request.variables ?? {}, options);
          if (!verdict.ok) throw verdict.error;
        },
      };
    },
  };
}
