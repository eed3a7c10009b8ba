import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { ApolloServerPlugin } from '@apollo/server';
import { createProvenanceTracker } from '../../gateway/authority/provenance';
import { createGatewayPerformance, loadPerformanceConfig, type GatewayPerformance } from '../../gateway/performance';
import { fetchChain, gatewayPluginStages, gatewayPlugins, subgraphFetchNames, type PluginParts } from '../../gateway/pipelines';
import { callerSealingFetcher } from '../../gateway/security/caller-seal';
import { limitsPlugin } from '../../gateway/plugins/limits.plugin';
import type { Caller } from '../../platform/caller';
import { CALLER_HEADER, callerClaims, createRequestCallerVerifier, generateCallerKey, parseCallerKey } from '../../platform/caller-header';
import { createLogger } from '../../platform/logger';
import { memoryNonceStore } from '../../platform/nonce-store';
import { listenOnFreePort } from '../support/stack';

const key = generateCallerKey();
const seal = (inner: Fetcher) => callerSealingFetcher(inner, parseCallerKey(key));

describe('the subgraph fetch chain (gateway/pipelines.ts)', () => {
  let performance: GatewayPerformance | undefined;
  afterEach(async () => {
    await performance?.stop();
    performance = undefined;
  });

  it('runs, outermost first: provenance, data source, system label, merge, batch, seal, pool', () => {
    performance = createGatewayPerformance(loadPerformanceConfig({}));
    const chain = fetchChain({ performance, sealCaller: seal });
    expect(subgraphFetchNames(chain, 'crm')).toEqual([
      'provenance',
      'data-source',
      'system-label',
      'merge',
      'batch',
      'caller-seal',
      'pool',
    ]);
  });

  it('leaves out what the settings turn off and keeps the rest in order', async () => {
    performance = createGatewayPerformance(loadPerformanceConfig({ SUBGRAPH_DEDUP: 'off', SUBGRAPH_BATCH: 'off' }));
    expect(fetchChain({ performance, sealCaller: seal }).namesFor('crm')).toEqual(['system-label', 'caller-seal', 'pool']);
    // A fetcher given instead of the pool keeps only the seal above it.
    expect(fetchChain({ fetcher: fetch as unknown as Fetcher, sealCaller: seal }).namesFor('crm')).toEqual(['caller-seal', 'fetcher']);
  });

  describe('on the wire', () => {
    let server: Server;
    let url: string;
    const received: { body: string; header: string }[] = [];
    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          received.push({ body, header: String(req.headers[CALLER_HEADER]) });
          const reps = (JSON.parse(body) as { variables: { representations: { id: string }[] } }).variables.representations;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data: { _entities: reps.map((r) => ({ id: r.id, name: r.id })) } }));
        });
      });
      url = await listenOnFreePort(server);
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const ENTITY_QUERY = 'query Q__crm__1($representations:[_Any!]!){_entities(representations:$representations){...on Customer{id name}}}';
    const body = (ids: string[]) =>
      JSON.stringify({ query: ENTITY_QUERY, variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })) } });
    const alice: Caller = { subject: 'alice', kind: 'user', roles: ['planner'], scopes: [] };
    const bob: Caller = { subject: 'bob', kind: 'user', roles: ['planner'], scopes: [] };
    const ask = (fetcher: Fetcher, caller: Caller, requestBody: string) =>
      fetcher(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CALLER_HEADER]: callerClaims(caller, 'crm') },
        body: requestBody,
      }).then((r) => r.json());

    it('merges before it batches, and seals over the one body that leaves', async () => {
      received.length = 0;
      performance = createGatewayPerformance(loadPerformanceConfig({}));
      const crm = fetchChain({ performance, sealCaller: seal }).fetcherFor('crm');
      const answers = await Promise.all([ask(crm, alice, body(['C1'])), ask(crm, bob, body(['C2', 'C3'])), ask(crm, alice, body(['C1']))]);
      expect(answers.map((a: any) => a.data._entities.map((e: { id: string }) => e.id))).toEqual([['C1'], ['C2', 'C3'], ['C1']]);
      // One request: alice's second fetch merged into her first, then bob's batched with it, once.
      expect(received).toHaveLength(1);
      const sent = JSON.parse(received[0]!.body) as { variables: { representations: { id: string }[] } };
      expect(sent.variables.representations.map((r) => r.id)).toEqual(['C1', 'C2', 'C3']);
      const verify = createRequestCallerVerifier({ key, audience: 'crm', nonces: memoryNonceStore() });
      expect(await verify(received[0]!.header, received[0]!.body)).toMatchObject({ ok: true, caller: { roles: ['planner'] } });
    });
  });
});

describe('the Apollo Server plugins (gateway/pipelines.ts)', () => {
  // Stand-ins for plugins that need a database or a supergraph; the order test needs only their identity.
  const named = (name: string) => ({ requestDidStart: async () => ({}), toString: () => name }) as ApolloServerPlugin<any>;
  const parts = (overrides: Partial<PluginParts> = {}): PluginParts => ({
    operationMerge: named('operation-merge'),
    security: { limits: limitsPlugin(), authorization: named('authorization'), persistedDocuments: named('persisted-documents') },
    logger: createLogger('test', { LOG_LEVEL: 'silent' }),
    sharingOf: () => undefined,
    usage: named('usage'),
    provenance: createProvenanceTracker(),
    tracing: named('tracing'),
    ...overrides,
  });
  const names = (p: PluginParts) =>
    gatewayPluginStages(p)
      .filter((s) => s.stage)
      .map((s) => s.name);

  it('runs operation merging first, security before what reads the cut document, timing and tracing last', () => {
    expect(names(parts())).toEqual([
      'operation-merge',
      'landing-page-disabled',
      'limits',
      'authorization',
      'persisted-documents',
      'subscription-http-refusal',
      'logging',
      'metrics',
      'usage',
      'operation-name',
      'provenance',
      'subgraph-wait',
      'tracing',
    ]);
  });

  it('leaves out what is off (no merging, AUTH_MODE=none, no traces) and hands Apollo Server the plugins in that order', () => {
    const p = parts({ operationMerge: undefined, security: { limits: limitsPlugin() }, tracing: undefined });
    expect(names(p)).toEqual([
      'landing-page-disabled',
      'limits',
      'subscription-http-refusal',
      'logging',
      'metrics',
      'usage',
      'operation-name',
      'provenance',
      'subgraph-wait',
    ]);
    const plugins = gatewayPlugins(p);
    expect(plugins).toHaveLength(9);
    expect(plugins[1]).toBe(p.security.limits);
    expect(plugins[5]).toBe(p.usage);
  });
});
