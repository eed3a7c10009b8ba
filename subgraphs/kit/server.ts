import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { createGraphQLHttpHandler, sendJson } from '../../platform/http';
import { close, StartupError } from '../../platform/listen';
import { createLogger, type Logger } from '../../platform/logger';
import { registry } from '../../platform/metrics';
import type { Caller } from '../../platform/caller';
import { CALLER_KEY_ENV, callerKeyFromEnv, parseCallerKey } from '../../platform/caller-header';
import { memoryNonceStore, type NonceStore } from '../../platform/nonce-store';
import { createCallerDoor } from './caller-door';
import { authorizationPlugin } from './authorization';
import { callerGuardPlugin, guardCaller } from './caller-guard';
import { internalErrorLogPlugin, maskInternalError } from './error-masking';
import { compiledExecution } from './execution';

export interface SubgraphServerOptions<TContext extends BaseContext> {
  /** System name, as in the systems registry. */
  system: string;
  schema: GraphQLSchema;
  /**
   * Builds the per-request context for the request's caller: fresh loaders on every request. Keep
   * the caller given here as the context's `caller`: while a query runs its subject is unreadable
   * (caller-guard.ts).
   */
  context: (caller: Caller, req: IncomingMessage) => Promise<TContext>;
  /** Whether the system can serve now (its database answers). */
  ready: () => Promise<boolean>;
  /**
   * The key the gateway signs caller headers with; requests without a valid signature get 401.
   * @default process.env.CALLER_SIGNING_KEY (start-up fails when neither is given)
   */
  callerKey?: string;
  /**
   * Where the nonces of accepted caller headers are remembered: share one store (Redis) between
   * the replicas of a system, or a header could be replayed to another replica. The caller closes it.
   * @default this process's memory
   */
  nonces?: NonceStore;
  /**
   * Where each request is logged with the request id the gateway passed on.
   * @default a pino logger named after the system (`LOG_LEVEL`)
   */
  logger?: Logger;
}

export interface SubgraphServer {
  readonly system: string;
  readonly httpServer: Server;
  /** Stops taking requests, lets those in flight finish. */
  stop(): Promise<void>;
}

/** Creates a subgraph's HTTP server (`/graphql`, `/health`, `/ready`, `/metrics`); it does not listen. */
export async function createSubgraphServer<TContext extends BaseContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const { system, schema, context, ready } = options;
  const callerKey = options.callerKey ?? callerKeyFromEnv();
  if (!callerKey) {
    throw new StartupError(`${system} subgraph: ${CALLER_KEY_ENV} is required: the key the gateway signs caller headers with`);
  }
  try {
    parseCallerKey(callerKey);
  } catch (err) {
    throw new StartupError(`${system} subgraph: ${(err as Error).message}`);
  }
  const logger = options.logger ?? createLogger(system);
  const apollo = new ApolloServer<TContext>({
    // Operations run as compiled queries, one compilation per query text (execution.ts).
    gateway: compiledExecution(schema),
    includeStacktraceInErrorResponses: false,
    // Database errors and bugs are logged with the request id; the client reads a generic message.
    formatError: maskInternalError,
    // The process owns its signals: it stops every server, then the pools, then PostgreSQL.
    stopOnTerminationSignals: false,
    // No cache hints are used, and the cache-control plugin would wrap every field resolver to read them.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      callerGuardPlugin(),
      authorizationPlugin<TContext>(schema),
      internalErrorLogPlugin<TContext>(logger),
    ],
  });
  await apollo.start();

  const callerDoor = createCallerDoor({ system, key: callerKey, nonces: options.nonces ?? memoryNonceStore(), logger });
  const handler = createGraphQLHttpHandler<TContext>({
    apollo,
    logger,
    // Only the gateway may call a subgraph: every request, `_service` and `_entities` included,
    // carries the caller signed by the gateway, or is refused before anything runs.
    // The header is bound to this system and to this request's body (caller-door.ts).
    context: async (req) => {
      const caller = await callerDoor(req);
      // Queries see the caller's rights only; a mutation may read who it is (caller-guard.ts).
      return context(guardCaller(caller), req);
    },
    routes: {
      'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok', system }),
      'GET /ready': async (_req, res) => {
        const ok = await ready();
        sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', system, database: ok ? 'up' : 'down' });
      },
      'GET /metrics': async (_req, res) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(await registry.metrics());
      },
    },
  });
  const httpServer = createServer((req, res) => void handler(req, res));
  httpServer.keepAliveTimeout = 65_000;

  return {
    system,
    httpServer,
    async stop() {
      await close(httpServer);
      await apollo.stop();
    },
  };
}
