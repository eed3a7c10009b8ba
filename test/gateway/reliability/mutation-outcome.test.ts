import 'reflect-metadata';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { mutationOutcomesUnknown } from '../../../gateway/reliability/metrics';
import { DEFAULT_POLICY } from '../../../gateway/reliability/policy';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createLogger } from '../../../platform/logger';
import { listenOnFreePort, postGraphQL, staticSupergraph } from '../../support/stack';

type Mode = 'answer' | 'hang' | 'drop';

describe('gateway data source: a mutation whose answer did not arrive', () => {
  let subgraph: Server;
  let gateway: GatewayServer;
  let url: string;
  let mode: Mode = 'answer';
  let received: { query: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    // A subgraph that records what it was sent, then answers, never answers, or drops the connection.
    subgraph = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { query } = JSON.parse(body) as { query: string };
        received.push({ query, headers: req.headers });
        if (mode === 'drop') return req.socket.destroy();
        if (mode === 'hang') return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: /^\s*mutation/.test(query) ? { bump: 1 } : { ping: 1 } }));
      });
    });
    const subgraphUrl = await listenOnFreePort(subgraph);
    const typeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { ping: Int }
      type Mutation { bump: Int }
    `);
    const result = composeServices([{ name: 'counter', url: subgraphUrl, typeDefs }]);
    if (!result.supergraphSdl) throw new Error(String(result.errors));
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(result.supergraphSdl),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      reliability: {
        defaults: { ...DEFAULT_POLICY, timeoutMs: 300, retries: 2, retryBaseDelayMs: 1, breakerFailureThreshold: 100 },
        systems: {},
      },
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway?.stop();
    subgraph?.closeAllConnections();
    subgraph?.close();
  });
  beforeEach(() => {
    received = [];
    mode = 'answer';
  });

  const unknownCount = async () =>
    (await mutationOutcomesUnknown.get()).values.filter((v) => v.labels.system === 'counter').reduce((s, v) => s + v.value, 0);

  it('passes the Idempotency-Key on to the subgraph with a mutation, not with a query', async () => {
    const mutation = await postGraphQL(url, 'mutation { bump }', undefined, { 'idempotency-key': 'order-7f3a' });
    expect(mutation.body).toEqual({ data: { bump: 1 } });
    await postGraphQL(url, '{ ping }', undefined, { 'idempotency-key': 'order-7f3a' });
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['order-7f3a', undefined]);
  });

  it('reports a mutation that timed out as MUTATION_OUTCOME_UNKNOWN, sent once, telling the client to retry with the same key', async () => {
    mode = 'hang';
    const before = await unknownCount();
    const { status, body } = await postGraphQL(url, 'mutation { bump }', undefined, { 'idempotency-key': 'order-7f3a' });
    expect(status).toBe(200);
    expect(body.data).toEqual({ bump: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toMatchObject({
      code: 'MUTATION_OUTCOME_UNKNOWN',
      system: 'counter',
      reason: 'timeout',
      idempotencyKey: 'order-7f3a',
    });
    expect(body.errors![0]!.message).toMatch(
      /counter received the mutation but did not answer .*may or may not have been applied; retry with the same Idempotency-Key/,
    );
    expect(received).toHaveLength(1);
    expect(await unknownCount()).toBe(before + 1);
  });

  it('says so too when the connection drops after the mutation was sent, and advises a key when there was none', async () => {
    mode = 'drop';
    const { body } = await postGraphQL(url, 'mutation { bump }');
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'MUTATION_OUTCOME_UNKNOWN', system: 'counter' });
    expect(body.errors![0]!.extensions).not.toHaveProperty('idempotencyKey');
    expect(body.errors![0]!.message).toMatch(/had no Idempotency-Key header, so check the state in the system before sending it again/);
    expect(received).toHaveLength(1);
  });

  it('keeps SUBGRAPH_UNAVAILABLE for a query that timed out', async () => {
    mode = 'hang';
    const { body } = await postGraphQL(url, '{ ping }');
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', system: 'counter', reason: 'timeout' });
  });
});
