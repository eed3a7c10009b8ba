import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind } from 'graphql';

/** This plugin has no options; the interface keeps the plugin convention. */
export type OperationNamePluginOptions = Record<string, never>;

/**
 * Answers a document whose operation cannot be chosen (an `operationName` it does not define,
 * or several operations and no name) with a 400 that lists the operations, before the gateway's
 * executor would turn it into a 500.
 */
export function operationNamePlugin<TContext extends BaseContext>(_options: OperationNamePluginOptions = {}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          if (ctx.operation) return;
          const names = ctx.document.definitions.flatMap((d) =>
            d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : [],
          );
          const requested = ctx.request.operationName;
          const message = requested
            ? `Unknown operation named "${requested}"; the document defines ${names.join(', ') || 'no operation'}`
            : names.length
              ? `the document defines several operations (${names.join(', ')}); name the one to run in "operationName"`
              : 'the document defines no operation, only fragments';
          throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
        },
      };
    },
  };
}
