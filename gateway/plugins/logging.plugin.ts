import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { REQUEST_ID_HEADER } from '../../platform/http';
import type { Logger } from '../../platform/logger';
import type { SharingNote } from '../performance/sharing-notes';

export interface LoggingPluginOptions {
  logger: Logger;
  /**
   * Operations slower than this are logged at `warn`.
   * @default 1_000
   */
  slowMs?: number;
  /** What was shared of an operation's work (merging, batching), by request id; taken once. */
  sharingOf?: (requestId: string | undefined) => SharingNote | undefined;
}

/**
 * One JSON line per GraphQL operation: request id, operation name and type, duration, the codes
 * of its errors (with the systems that were unavailable), and what of its work was shared
 * (`merged`, `mergedInto`, `batched`, `fetchesMerged`, `sharedWith`), so one id finds a request in
 * the gateway's and every subgraph's logs, merged or batched.
 */
export function loggingPlugin<TContext extends BaseContext>(options: LoggingPluginOptions): ApolloServerPlugin<TContext> {
  const { logger, slowMs = 1_000, sharingOf } = options;
  return {
    async requestDidStart(start) {
      const started = process.hrtime.bigint();
      const requestId = start.request.http?.headers.get(REQUEST_ID_HEADER) ?? undefined;
      return {
        async willSendResponse(ctx) {
          const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
          const body = ctx.response.body.kind === 'single' ? ctx.response.body.singleResult : undefined;
          const errors = body?.errors ?? [];
          const unavailable = [
            ...new Set(errors.filter((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE').map((e) => String(e.extensions?.system))),
          ];
          const shared = sharingOf?.(requestId);
          const line = {
            requestId,
            operationName: ctx.operationName ?? undefined,
            operationType: ctx.operation?.operation,
            status: ctx.response.http.status ?? 200,
            durationMs,
            errors: errors.length ? [...new Set(errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')))] : undefined,
            unavailable: unavailable.length ? unavailable : undefined,
            // Whether the answer came from an identical query in flight, and how many of its
            // subgraph fetches went in a combined request or were answered by another's fetch.
            merged: shared?.mergedInto !== undefined,
            mergedInto: shared?.mergedInto,
            batched: shared?.batched ?? 0,
            fetchesMerged: shared?.fetchesMerged || undefined,
            sharedWith: shared?.sharedWith.length ? shared.sharedWith : undefined,
          };
          if (unavailable.length || durationMs > slowMs) logger.warn(line, 'graphql operation');
          else logger.info(line, 'graphql operation');
        },
      };
    },
  };
}
