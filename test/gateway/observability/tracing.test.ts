import { createServer, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { parse } from 'graphql';
import { createGatewayTracing, type GatewayTracing } from '../../../gateway/observability/tracing';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createGraphQLHttpHandler } from '../../../platform/http';
import { createLogger } from '../../../platform/logger';
import { listenOnFreePort, staticSupergraph, testToken } from '../../support/stack';

describe('OpenTelemetry traces from the gateway to a subgraph (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const traceparents: (string | undefined)[] = [];
  let tracing: GatewayTracing;
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
    const handler = createGraphQLHttpHandler({ apollo: subgraphApollo, context: async () => ({}) });
    subgraph = createServer((req, res) => {
      traceparents.push(req.headers.traceparent as string | undefined);
      void handler(req, res);
    });
    const subgraphUrl = await listenOnFreePort(subgraph);
    const composed = composeServices([{ name: 'plant', url: subgraphUrl, typeDefs }]);
    tracing = createGatewayTracing({ exporter });
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(composed.supergraphSdl!),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      tracing,
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway.stop();
    subgraph.close();
    await subgraphApollo.stop();
    await tracing.shutdown();
  });

  it("continues the client's trace, records the gateway's spans under it, and carries it to the subgraph", async () => {
    const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await testToken()}`,
        traceparent: `00-${clientTrace}-00f067aa0ba902b7-01`,
        'x-request-id': 'traced-1',
      },
      body: JSON.stringify({ query: 'query Where { plant }' }),
    });
    expect(await response.json()).toEqual({ data: { plant: 'S01' } });
    await new Promise((r) => setTimeout(r, 50)); // the server span ends when the response finishes

    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === 'query Where');
    expect(server).toBeDefined();
    expect(server!.kind).toBe(SpanKind.SERVER);
    expect(server!.spanContext().traceId).toBe(clientTrace);
    expect(server!.parentSpanId).toBe('00f067aa0ba902b7');
    expect(server!.attributes).toMatchObject({
      'plantgraph.request_id': 'traced-1',
      'graphql.operation.type': 'query',
      'http.response.status_code': 200,
    });

    const fetchSpan = spans.find((s) => s.name === 'gateway.fetch');
    expect(fetchSpan?.spanContext().traceId).toBe(clientTrace);
    expect(spans.some((s) => s.name === 'gateway.request' && s.spanContext().traceId === clientTrace)).toBe(true);

    // The subgraph request carries the trace, parented on the gateway's fetch span.
    expect(traceparents.at(-1)).toBe(`00-${clientTrace}-${fetchSpan!.spanContext().spanId}-01`);
  });

  it('marks the span of an operation that fails', async () => {
    exporter.reset();
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}` },
      body: JSON.stringify({ query: 'query Broken { nowhere }' }),
    });
    await new Promise((r) => setTimeout(r, 50));
    const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.status.code).toBe(2); // ERROR
    expect(server?.attributes['graphql.error.codes']).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});
