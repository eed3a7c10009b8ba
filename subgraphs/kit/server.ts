import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { createGraphQLHttpHandler, sendJson } from '../../platform/http';
import { close } from '../../platform/listen';
import { registry } from '../../platform/metrics';
import { ANONYMOUS, type Caller } from './caller';

export interface SubgraphServerOptions<TContext extends BaseContext> {
  /** System name, as in the systems registry. */
  system: string;
  schema: GraphQLSchema;
  /** Builds the per-request context for the request's caller: fresh loaders on every request. */
  context: (caller: Caller, req: IncomingMessage) => Promise<TContext>;
  /** Whether the system can serve now (its database answers). */
  ready: () => Promise<boolean>;
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
  const apollo = new ApolloServer<TContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // The process owns its signals: it stops every server, then the pools, then PostgreSQL.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();

  const handler = createGraphQLHttpHandler<TContext>({
    apollo,
    // Until the gateway signs caller identity into a header, every request is anonymous.
    context: (req) => context(ANONYMOUS, req),
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
