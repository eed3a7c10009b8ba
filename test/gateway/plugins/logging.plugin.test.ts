import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import pino from 'pino';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createGraphQLHttpHandler } from '../../../platform/http';
import { listenOnFreePort, staticSupergraph, testToken } from '../../support/stack';

/** A pino logger whose JSON lines the test reads back. */
function capturingLogger(name: string) {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ name, level: 'debug' }, stream), lines };
}

describe('request ids and JSON logs from the gateway to a subgraph', () => {
  const gatewayLog = capturingLogger('gateway');
  const subgraphLog = capturingLogger('plant');
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
    subgraph = createServer(createGraphQLHttpHandler({ apollo: subgraphApollo, context: async () => ({}), logger: subgraphLog.logger }));
    const subgraphUrl = await listenOnFreePort(subgraph);
    const composed = composeServices([{ name: 'plant', url: subgraphUrl, typeDefs }]);
    gateway = await createGatewayServer({ supergraph: staticSupergraph(composed.supergraphSdl!), logger: gatewayLog.logger });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway.stop();
    subgraph.close();
    await subgraphApollo.stop();
  });

  const ask = async (headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}`, ...headers },
      body: JSON.stringify({ query: 'query Where { plant }' }),
    });

  it('carries the client request id to the subgraph and logs it on both sides', async () => {
    const response = await ask({ 'x-request-id': 'trace-me-42' });
    expect(await response.json()).toEqual({ data: { plant: 'S01' } });
    expect(response.headers.get('x-request-id')).toBe('trace-me-42');

    const operation = gatewayLog.lines.find((l) => l.msg === 'graphql operation' && l.requestId === 'trace-me-42');
    expect(operation).toMatchObject({ name: 'gateway', operationName: 'Where', operationType: 'query', status: 200 });
    expect(operation!.durationMs).toEqual(expect.any(Number));
    const access = subgraphLog.lines.find((l) => l.msg === 'request' && l.requestId === 'trace-me-42');
    expect(access).toMatchObject({ name: 'plant', method: 'POST', path: '/graphql', status: 200 });
  });

  it('generates an id when the client sends none, or sends one that is not a token', async () => {
    for (const headers of [{}, { 'x-request-id': 'no spaces\tor tabs please' }] as Record<string, string>[]) {
      const response = await ask(headers);
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(subgraphLog.lines.some((l) => l.requestId === id)).toBe(true);
    }
  });
});
