import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, BaseContext, GraphQLRequest } from '@apollo/server';
import { waitClockOf } from '../performance/subgraph-wait';
import { rightsOf, type RightsKey } from '../../platform/sharing';
import { callerOf } from '../security/caller';
import { REQUEST_ID_HEADER } from '../../platform/http';

export interface OperationMergeOptions {
  /** Requests that must run on their own (the provenance plugin's, which reads the request's own fetches). */
  excluded?: (request: GraphQLRequest) => boolean;
  /**
   * Queries merge only between callers with equal keys.
   * @default rightsOf (platform/sharing.ts): every role and scope
   */
  rightsOf?: RightsKey;
  /** Told of every query answered by another's result, with both request ids (metrics, log notes). */
  onMerged?: (requestId: string | undefined, leaderId: string | undefined) => void;
}

/** Counts of what operation merging did, for tests and the benchmark. */
export interface OperationMergeStats {
  /** Queries that ran the plan themselves. */
  executed: number;
  /** Queries answered from an identical query in flight. */
  merged: number;
}

/** A leader's result as its followers get it, and the share of its execution spent waiting on subgraphs. */
interface Shared {
  snapshot: string | null;
  waitShare: number;
}

/**
 * Merges identical queries in flight at the gateway's front door: a query whose document (after
 * field authorization cut what the caller may not read), operation name and variables are those
 * of one already executing, for a caller with the same rights, waits for that one's result
 * instead of planning, fetching and shaping its own. Sound for the reason subgraph merging is
 * (the sharing rule, platform/sharing.ts): an answer depends on the caller's rights, never on who asks.
 *
 * The shared result is the executed one, taken before any plugin's `willSendResponse` touches
 * it; every request gets its own copy and runs its own `willSendResponse` hooks (authorization's
 * FORBIDDEN errors, timing headers). Register this plugin first, so its hook reads the result
 * before the others change it. Mutations never merge; a leader whose result has errors or a
 * status other than 200 is not shared, and its followers execute on their own. Nothing is kept
 * once the leader answers: this is not a cache.
 *
 * A follower's time waiting for its leader counts as waiting on subgraphs in the share the
 * leader's own execution did (the wait clock of subgraph-wait.ts), the rest as the gateway's own
 * time: the overhead figures stay those of the work done.
 */
export function operationMergePlugin<TContext extends BaseContext>(
  options: OperationMergeOptions = {},
): { plugin: ApolloServerPlugin<TContext>; stats: OperationMergeStats } {
  const inFlight = new Map<string, { shared: Promise<Shared>; followers: number; requestId: string | undefined }>();
  const stats: OperationMergeStats = { executed: 0, merged: 0 };
  const rightsKey = options.rightsOf ?? rightsOf;
  const plugin: ApolloServerPlugin<TContext> = {
    async requestDidStart({ request }) {
      if (options.excluded?.(request)) return;
      let led:
        | {
            key: string;
            entry: { followers: number };
            settle: (shared: Shared) => void;
            started: number;
            waitedBefore: number;
            context: object;
          }
        | undefined;
      const release = (snapshot: string | null) => {
        if (!led) return;
        inFlight.delete(led.key);
        const executionMs = performance.now() - led.started;
        const waitedMs = waitClockOf(led.context).elapsedMs() - led.waitedBefore;
        led.settle({ snapshot, waitShare: executionMs > 0 ? Math.min(1, waitedMs / executionMs) : 0 });
        led = undefined;
      };
      return {
        async responseForOperation(ctx) {
          if (ctx.operation?.operation !== 'query' || !ctx.queryHash) return null;
          const key = `${rightsKey(callerOf(ctx.contextValue))}\n${ctx.queryHash}\n${ctx.operationName ?? ''}\n${JSON.stringify(ctx.request.variables ?? {})}`;
          const pending = inFlight.get(key);
          if (pending) {
            pending.followers += 1;
            const started = performance.now();
            const { snapshot, waitShare } = await pending.shared;
            waitClockOf(ctx.contextValue as object).add((performance.now() - started) * waitShare);
            if (snapshot !== null) {
              stats.merged += 1;
              options.onMerged?.(ctx.request.http?.headers.get(REQUEST_ID_HEADER) ?? undefined, pending.requestId);
              return { http: ctx.response.http, body: { kind: 'single', singleResult: JSON.parse(snapshot) } };
            }
            // The leader's result is not shared: execute this one on its own.
            stats.executed += 1;
            return null;
          }
          stats.executed += 1;
          let settle!: (shared: Shared) => void;
          const entry = {
            shared: new Promise<Shared>((resolve) => (settle = resolve)),
            followers: 0,
            requestId: ctx.request.http?.headers.get(REQUEST_ID_HEADER) ?? undefined,
          };
          inFlight.set(key, entry);
          const context = ctx.contextValue as object;
          led = { key, entry, settle, started: performance.now(), waitedBefore: waitClockOf(context).elapsedMs(), context };
          return null;
        },
        async didEncounterErrors() {
          release(null);
        },
        async willSendResponse({ response }) {
          if (!led) return;
          const body = response.body;
          const ok = body.kind === 'single' && !body.singleResult.errors?.length && (response.http.status ?? 200) === 200;
          // Serialised only when someone waits for it: a query nobody shared costs nothing more.
          release(ok && led.entry.followers > 0 ? JSON.stringify(body.singleResult) : null);
        },
      };
    },
  };
  return { plugin, stats };
}
