import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { SpanStatusCode, trace } from '@opentelemetry/api';

/** Takes no options: the span it names is the request's, opened by the gateway's tracing (observability/tracing.ts). */
export type TracingPluginOptions = Record<string, never>;

/**
 * Names the operation on the request's server span and marks the span failed, with the error
 * codes, when the answer has errors. Without a registered tracer provider there is no active
 * span and this does nothing.
 */
export function tracingPlugin<TContext extends BaseContext>(_options: TracingPluginOptions = {}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          const span = trace.getActiveSpan();
          span?.setAttribute('graphql.operation.type', ctx.operation?.operation ?? 'unknown');
          if (ctx.operationName) {
            span?.setAttribute('graphql.operation.name', ctx.operationName);
            span?.updateName(`${ctx.operation?.operation ?? 'graphql'} ${ctx.operationName}`);
          }
        },
        async willSendResponse(ctx) {
          const span = trace.getActiveSpan();
          const body = ctx.response.body.kind === 'single' ? ctx.response.body.singleResult : undefined;
          const codes = [...new Set((body?.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN')))];
          if (codes.length) {
            span?.setAttribute('graphql.error.codes', codes);
            span?.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
          }
        },
      };
    },
  };
}
