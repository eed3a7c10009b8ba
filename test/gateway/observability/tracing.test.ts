import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createGatewayTracing, type GatewayTracing } from '../../../gateway/observability/tracing';
import { startPlantGateway, type PlantGateway } from '../../support/plant-gateway';

describe('OpenTelemetry traces from the gateway to a subgraph (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const traceparents: (string | undefined)[] = [];
  let tracing: GatewayTracing;
  let plant: PlantGateway;

  beforeAll(async () => {
    tracing = createGatewayTracing({ exporter });
    plant = await startPlantGateway({
      onSubgraphRequest: (req) => traceparents.push(req.headers.traceparent as string | undefined),
      gateway: { tracing },
    });
  });
  afterAll(async () => {
    await plant.stop();
    await tracing.shutdown();
  });

  it("continues the client's trace, records the gateway's spans under it, and carries it to the subgraph", async () => {
    const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await plant.request('query Where { plant }', {
      traceparent: `00-${clientTrace}-00f067aa0ba902b7-01`,
      'x-request-id': 'traced-1',
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
    await plant.request('query Broken { nowhere }');
    await new Promise((r) => setTimeout(r, 50));
    const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.status.code).toBe(2); // ERROR
    expect(server?.attributes['graphql.error.codes']).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});
