import { createServer, type IncomingMessage, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { parse } from 'graphql';
import { loadPerformanceConfig, type PerformanceConfig } from '../../../gateway/performance';
import { createGatewayTracing, type GatewayTracing } from '../../../gateway/observability/tracing';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createGraphQLHttpHandler, memberRequestIdsOf, MEMBER_REQUEST_IDS_HEADER } from '../../../platform/http';
import { registry } from '../../../platform/metrics';
import { capturingLogger, type LogLine } from '../../support/logs';
import { listenOnFreePort, staticSupergraph, testToken } from '../../support/stack';

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await registry.getSingleMetric(name)!.get()).values;
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { plant(id: ID!): String }
`);

describe('observable sharing: merged and batched requests stay findable by every member', () => {
  const subgraphLog: LogLine[] = [];
  const exporter = new InMemorySpanExporter();
  let tracing: GatewayTracing;
  let subgraphApollo: ApolloServer;
  let subgraph: Server;
  let subgraphUrl: string;
  let supergraphSdl: string;
  let token: string;
  const gateways: GatewayServer[] = [];
  // Ids the stand-in subgraph has begun to resolve, and answers it holds back until a test lets them go.
  const arrivals: string[] = [];
  const holds = new Map<string, Promise<void>>();
  /** Waits, a few ms at a time, until `done` holds (at most 10 s). */
  const until = async (done: () => boolean | Promise<boolean>) => {
    for (const start = Date.now(); !(await done());) {
      if (Date.now() - start > 10_000) throw new Error('waited 10 s in vain');
      await new Promise((r) => setTimeout(r, 2));
    }
  };

  beforeAll(async () => {
    subgraphApollo = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs,
        resolvers: {
          Query: {
            plant: async (_: unknown, { id }: { id: string }) => {
              arrivals.push(id);
              await (holds.get(id) ?? new Promise((r) => setTimeout(r, 60)));
              return `plant ${id}`;
            },
          },
        },
      }),
      stopOnTerminationSignals: false,
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    await subgraphApollo.start();
    const handler = createGraphQLHttpHandler({
      apollo: subgraphApollo,
      context: async () => ({}),
      logger: capturingLogger({ level: 'info', lines: subgraphLog }).logger,
    });
    subgraph = createServer((req, res) => void handler(req, res));
    subgraphUrl = await listenOnFreePort(subgraph);
    supergraphSdl = composeServices([{ name: 'plant', url: subgraphUrl, typeDefs }]).supergraphSdl!;
    tracing = createGatewayTracing({ exporter });
    token = await testToken();
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    subgraph.close();
    await subgraphApollo.stop();
    await tracing.shutdown();
  });

  /** A gateway over the stand-in subgraph with these performance switches; its log lines land in `log`. */
  async function gatewayWith(performance: Partial<PerformanceConfig>, log: LogLine[]) {
    const gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraphSdl),
      logger: capturingLogger({ level: 'info', lines: log }).logger,
      tracing,
      performance: { ...loadPerformanceConfig({}), ...performance },
    });
    gateways.push(gateway);
    const url = await listenOnFreePort(gateway.httpServer);
    return (requestId: string, id: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-request-id': requestId,
          traceparent: `00-${'a'.repeat(24)}${requestId.replace(/\W/g, '').padStart(8, '0').slice(-8)}-00f067aa0ba902b7-01`,
        },
        body: JSON.stringify({ query: 'query Plant($id: ID!) { plant(id: $id) }', variables: { id } }),
      }).then((r) => r.json());
  }

  const operationLine = (log: LogLine[], requestId: string) => log.find((l) => l.msg === 'graphql operation' && l.requestId === requestId);

  it('a batched request names every member in the subgraph log; each member says it was batched', async () => {
    const log: LogLine[] = [];
    const ask = await gatewayWith({ batch: true, batchConcurrency: 1, dedup: false, operationDedup: false }, log);
    const batchesBefore = await metric('plantgraph_subgraph_batches_total', { system: 'plant' });
    const sizesBefore = await metric('plantgraph_subgraph_batch_size', { system: 'plant' });
    exporter.reset();
    const ids = ['b-1', 'b-2', 'b-3', 'b-4', 'b-5'];
    await ask('b-warm', 'W'); // plans the query, so the timing below is the fetches'
    const linesBefore = subgraphLog.length;
    exporter.reset();
    // The first goes alone; while it is in flight (concurrency 1) the others gather into a batch.
    const first = ask(ids[0]!, 'P0');
    await new Promise((r) => setTimeout(r, 20));
    const answers = await Promise.all([first, ...ids.slice(1).map((id, i) => ask(id, `P${i + 1}`))]);
    expect(answers).toEqual(ids.map((_, i) => ({ data: { plant: `plant P${i}` } })));

    const lines = subgraphLog.slice(linesBefore).filter((l) => l.msg === 'request');
    const combined = lines.filter((l) => l.memberRequestIds);
    const members = combined.flatMap((l) => l.memberRequestIds);
    expect(combined.length).toBeGreaterThanOrEqual(1);
    expect(members.length).toBeGreaterThanOrEqual(3);
    // Every request is findable in the subgraph's log: by its own request id, or in a batch's list.
    const alone = lines.filter((l) => !l.memberRequestIds).map((l) => l.requestId);
    expect([...alone, ...members].sort()).toEqual(ids);
    for (const line of combined) expect(line.memberRequestIds).toContain(line.requestId);
    for (const id of ids) expect(operationLine(log, id)).toMatchObject({ merged: false, batched: members.includes(id) ? 1 : 0 });

    expect((await metric('plantgraph_subgraph_batches_total', { system: 'plant' })) - batchesBefore).toBe(combined.length);
    // The histogram's series include its sum, so it grows by at least the members batched.
    expect((await metric('plantgraph_subgraph_batch_size', { system: 'plant' })) - sizesBefore).toBeGreaterThanOrEqual(members.length);
    const batchSpans = exporter.getFinishedSpans().filter((s) => s.name === 'subgraph batch');
    expect(batchSpans.flatMap((s) => s.links).length).toBe(members.length);
    expect(batchSpans.map((s) => s.attributes['plantgraph.batch.size'])).toEqual(combined.map((l) => l.memberRequestIds.length));
  });

  it('a query merged at the front door names the request it shared in its own log line', async () => {
    const log: LogLine[] = [];
    const ask = await gatewayWith({ operationDedup: true }, log);
    const before = await metric('plantgraph_gateway_operations_merged_total');
    const linesBefore = subgraphLog.length;
    const answers = await Promise.all(['m-1', 'm-2', 'm-3'].map((id) => ask(id, 'SAME')));
    expect(answers).toEqual(Array(3).fill({ data: { plant: 'plant SAME' } }));

    const sent = subgraphLog.slice(linesBefore).filter((l) => l.msg === 'request');
    expect(sent.map((l) => l.requestId)).toEqual(['m-1']);
    expect(operationLine(log, 'm-1')).toMatchObject({ merged: false });
    for (const id of ['m-2', 'm-3']) expect(operationLine(log, id)).toMatchObject({ merged: true, mergedInto: 'm-1', sharedWith: ['m-1'] });
    expect((await metric('plantgraph_gateway_operations_merged_total')) - before).toBe(2);
  });

  it('a subgraph fetch answered by one in flight names the request that carried it, with a linked span', async () => {
    const log: LogLine[] = [];
    const ask = await gatewayWith({ operationDedup: false, dedup: true, batch: false }, log);
    const before = await metric('plantgraph_subgraph_fetches_merged_total', { system: 'plant' });
    exporter.reset();
    // f-1's fetch is held at the subgraph until f-2 has joined it, however slow the machine.
    let release!: () => void;
    holds.set('SHARED', new Promise<void>((r) => (release = r)));
    const first = ask('f-1', 'SHARED');
    await until(() => arrivals.includes('SHARED'));
    const second = ask('f-2', 'SHARED');
    await until(async () => (await metric('plantgraph_subgraph_fetches_merged_total', { system: 'plant' })) > before);
    release();
    await Promise.all([first, second]);
    expect(arrivals.filter((id) => id === 'SHARED')).toHaveLength(1);

    expect(operationLine(log, 'f-1')).toMatchObject({ merged: false, batched: 0 });
    expect(operationLine(log, 'f-1')?.fetchesMerged).toBeUndefined();
    expect(operationLine(log, 'f-2')).toMatchObject({ merged: false, fetchesMerged: 1, sharedWith: ['f-1'] });
    expect((await metric('plantgraph_subgraph_fetches_merged_total', { system: 'plant' })) - before).toBe(1);
    const span = exporter.getFinishedSpans().find((s) => s.name === 'subgraph fetch merged');
    expect(span?.links).toHaveLength(1);
  });
});

describe('the member request ids a subgraph logs', () => {
  const request = (value: string | undefined) =>
    ({ headers: value === undefined ? {} : { [MEMBER_REQUEST_IDS_HEADER]: value } }) as unknown as IncomingMessage;

  it('keeps sane ids, at most 64, and ignores an oversized or absent header', () => {
    expect(memberRequestIdsOf(request(undefined))).toBeUndefined();
    expect(memberRequestIdsOf(request('a-1, b-2,<script>,'))).toEqual(['a-1', 'b-2']);
    expect(memberRequestIdsOf(request(Array.from({ length: 100 }, (_, i) => `r${i}`).join(',')))).toHaveLength(64);
    expect(memberRequestIdsOf(request('x'.repeat(10_000)))).toBeUndefined();
  });
});
