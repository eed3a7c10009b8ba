import { createServer, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createGraphQLHttpHandler } from '../../../platform/http';
import { createLogger } from '../../../platform/logger';
import { listenOnFreePort, opsHeaders, postGraphQL, staticSupergraph } from '../../support/stack';

/** Reads one sample of the Prometheus text exposition. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('gateway metrics on /metrics', () => {
  let subgraphApollo: ApolloServer;
  let subgraph: Server;
  let gateway: GatewayServer;
  let url: string;

  beforeAll(async () => {
    const typeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { plant: String }
    `);
    subgraphApollo = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs, resolvers: { Query: { plant: () => 'S01' } } }),
      stopOnTerminationSignals: false,
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    await subgraphApollo.start();
    subgraph = createServer(createGraphQLHttpHandler({ apollo: subgraphApollo, context: async () => ({}) }));
    const subgraphUrl = await listenOnFreePort(subgraph);
    const composed = composeServices([{ name: 'metered', url: subgraphUrl, typeDefs }]);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(composed.supergraphSdl!),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway.stop();
    subgraph.close();
    await subgraphApollo.stop();
  });

  const scrape = async () => (await fetch(url.replace('/graphql', '/metrics'), { headers: opsHeaders() })).text();

  it('counts requests by outcome, times operations and subgraph fetches, and shows breaker state', async () => {
    const before = await scrape();
    await postGraphQL(url, '{ plant }');
    await postGraphQL(url, '{ plant }');
    await postGraphQL(url, '{ nowhere }');
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('plantgraph_gateway_requests_total', { operation_type: 'query', outcome: 'ok' })).toBe(2);
    expect(delta('plantgraph_gateway_requests_total', { outcome: 'rejected' })).toBe(1);
    expect(delta('plantgraph_gateway_operation_duration_seconds_count', { operation_type: 'query', outcome: 'ok' })).toBe(2);
    expect(delta('plantgraph_subgraph_fetch_duration_seconds_count', { system: 'metered', outcome: 'ok' })).toBe(2);
    expect(sample(after, 'plantgraph_subgraph_breaker_state', { system: 'metered' })).toBe(0);
    expect(after).toContain('# TYPE plantgraph_gateway_operation_duration_seconds histogram');
    expect(after).toContain('# TYPE plantgraph_subgraph_fetch_errors_total counter');
  });
});
