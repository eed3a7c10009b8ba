import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** What the plugin reports of one slow operation. */
export interface SlowOperation {
  readonly operationName: string | null;
  readonly ms: number;
}

export interface SlowOperationPluginOptions {
  /**
   * Operations that take longer than this, from the request's start to its response, are reported.
   * @default 1000
   */
  readonly thresholdMs?: number;
  /** Called once per slow operation, after its response is ready. */
  readonly onSlow: (operation: SlowOperation) => void;
  /**
   * The clock, in milliseconds.
   * @default performance.now
   */
  readonly now?: () => number;
}

/**
 * Reports operations slower than a threshold. Written as CONTRIBUTING.md's "Add a gateway plugin"
 * recipe says, as its worked example: one concern, a factory with documented options, per-request
 * state held by the request's own listener.
 */
export function slowOperationPlugin<TContext extends BaseContext>(options: SlowOperationPluginOptions): ApolloServerPlugin<TContext> {
  const { thresholdMs = 1000, onSlow, now = () => performance.now() } = options;
  return {
    async requestDidStart() {
      // Per request: each request gets its own listener, so its start time is never shared.
      const started = now();
      return {
        async willSendResponse(ctx) {
          const ms = now() - started;
          if (ms > thresholdMs) onSlow({ operationName: ctx.operationName ?? null, ms });
        },
      };
    },
  };
}
