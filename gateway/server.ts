import { createServer, type Server } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource, type SupergraphManager } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createGraphQLHttpHandler, sendJson } from '../platform/http';
import { close } from '../platform/listen';
import type { Logger } from '../platform/logger';
import { registry } from '../platform/metrics';
import type { SystemName } from '../platform/systems';
import { fileSupergraph } from './supergraph';

export interface GatewayOptions {
  /** Path of the supergraph file (watched), or a ready-made supergraph manager. */
  supergraph: string | SupergraphManager;
  /** Subgraph URLs that replace those written in the supergraph. */
  subgraphUrls?: Partial<Record<SystemName, string>>;
  logger: Logger;
  /** Reports each supergraph reload (file supergraphs only). */
  onSupergraphReload?: Parameters<typeof fileSupergraph>[0]['onReload'];
}

export interface GatewayServer {
  readonly httpServer: Server;
  readonly gateway: ApolloGateway;
  stop(): Promise<void>;
}

/** Builds the gateway's HTTP server; it does not listen. */
export async function createGatewayServer(options: GatewayOptions): Promise<GatewayServer> {
  const { logger, subgraphUrls = {} } = options;
  const supergraphSdl =
    typeof options.supergraph === 'string'
      ? fileSupergraph({ path: options.supergraph, logger, onReload: options.onSupergraphReload })
      : options.supergraph;

  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({ url: subgraphUrls[name as SystemName] ?? url }),
  });

  const apollo = new ApolloServer({
    gateway,
    includeStacktraceInErrorResponses: false,
    // The process owns its signals: it stops every server, then the pools, then PostgreSQL.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  const handler = createGraphQLHttpHandler({
    apollo,
    context: async () => ({}),
    routes: {
      'GET /': (_req, res) => {
        res.writeHead(302, { location: '/graphql' });
        res.end();
      },
      'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok' }),
      'GET /ready': (_req, res) => sendJson(res, 200, { status: 'ready' }),
      'GET /metrics': async (_req, res) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(await registry.metrics());
      },
    },
  });
  const httpServer = createServer((req, res) => void handler(req, res));
  httpServer.keepAliveTimeout = 65_000;

  return {
    httpServer,
    gateway,
    async stop() {
      await close(httpServer);
      await apollo.stop();
    },
  };
}
