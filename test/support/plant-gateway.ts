import { createServer, type IncomingMessage, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createGatewayServer, type GatewayOptions, type GatewayServer } from '../../gateway/server';
import { createGraphQLHttpHandler } from '../../platform/http';
import { createLogger, type Logger } from '../../platform/logger';
import { listenOnFreePort, staticSupergraph, testToken } from './stack';

export interface PlantGatewayOptions {
  /** The subgraph's name in the supergraph (its `system` label in metrics and spans). @default 'plant' */
  name?: string;
  /** The subgraph's access log. @default none */
  subgraphLogger?: Logger;
  /** Sees each request the subgraph receives, before it is answered (its headers, say). */
  onSubgraphRequest?: (req: IncomingMessage) => void;
  /** The gateway's options beyond its supergraph. @default a silent logger */
  gateway?: Partial<Omit<GatewayOptions, 'supergraph'>>;
}

/** A gateway over a one-field subgraph, both listening on 127.0.0.1. */
export interface PlantGateway {
  /** The gateway's GraphQL endpoint. */
  readonly url: string;
  /** POSTs `query` to the gateway with the suite's admin token and `headers`; the raw response, headers included. */
  request(query: string, headers?: Record<string, string>): Promise<Response>;
  /** Stops the gateway, then the subgraph. */
  stop(): Promise<void>;
}

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { plant: String }
`);

/**
 * The smallest graph a gateway serves: one subgraph whose `Query.plant` answers "S01". For tests of
 * what the gateway does around a request (logs, metrics, traces), not of what the graph holds.
 */
export async function startPlantGateway(options: PlantGatewayOptions = {}): Promise<PlantGateway> {
  const subgraphApollo = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers: { Query: { plant: () => 'S01' } } }),
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await subgraphApollo.start();
  let subgraph: Server | undefined;
  let gateway: GatewayServer | undefined;
  const stop = async () => {
    await gateway?.stop();
    subgraph?.close();
    await subgraphApollo.stop();
  };
  try {
    const handler = createGraphQLHttpHandler({ apollo: subgraphApollo, context: async () => ({}), logger: options.subgraphLogger });
    subgraph = createServer((req, res) => {
      options.onSubgraphRequest?.(req);
      void handler(req, res);
    });
    const subgraphUrl = await listenOnFreePort(subgraph);
    const composed = composeServices([{ name: options.name ?? 'plant', url: subgraphUrl, typeDefs }]);
    gateway = await createGatewayServer({
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      ...options.gateway,
      supergraph: staticSupergraph(composed.supergraphSdl!),
    });
    const url = await listenOnFreePort(gateway.httpServer);
    return {
      url,
      request: async (query, headers = {}) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}`, ...headers },
          body: JSON.stringify({ query }),
        }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
