import { createHash } from 'node:crypto';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { composeGraph } from '../../../cli/compose';
import {
  installResultShaping,
  isEntitiesBody,
  isMutationText,
  isQueryBody,
  persistedQueryHashOf,
  resultShapingMode,
} from '../../../gateway/apollo-internals';
import { callerSealingFetcher } from '../../../gateway/security/caller-seal';
import { CALLER_HEADER, callerClaims, parseCallerKey } from '../../../platform/caller-header';
import { crmSystem } from '../../../subgraphs/crm/server';
import { erpSystem } from '../../../subgraphs/erp/server';
import { postGraphQL, startTestStack, TEST_CALLER, testToken, type TestStack } from '../../support/stack';

/**
 * Canaries of the fence (gateway/apollo-internals): each test checks, on a real gateway, one thing
 * the fence relies on that Apollo does not promise. A failure here after an upgrade names what
 * moved; the checklist in gateway/apollo-internals/index.ts says what to do about it.
 */

interface Sent {
  system: string;
  body: string;
}

let stack: TestStack;
const sent: Sent[] = [];
const systemOf = (url: string) => Object.entries(stack.subgraphUrls).find(([, u]) => u === url)?.[0] ?? url;
// The gateway's data sources send through this; it only writes down what goes out.
const recording: Fetcher = (url, init) => {
  if (typeof init?.body === 'string') sent.push({ system: systemOf(url), body: init.body });
  return (fetch as unknown as Fetcher)(url, init);
};

beforeAll(async () => {
  stack = await startTestStack([erpSystem, crmSystem], { fetcher: recording });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function bodiesOf(query: string, headers: Record<string, string> = {}) {
  sent.length = 0;
  const response = await postGraphQL(stack.gatewayUrl, query, undefined, headers);
  return { response, bodies: [...sent] };
}

describe('the bodies the data source sends (subgraph-bodies.ts)', () => {
  it('a root query and an entity fetch are told apart as merging, batching and the entity cache expect', async () => {
    const { response, bodies } = await bodiesOf('{ customer(id: "C00001") { id name creditLimit } }');
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.customer.name).toEqual(expect.any(String));
    // CRM answers the root field, ERP the entity's commercial fields.
    const root = bodies.filter((b) => b.system === 'crm');
    const entities = bodies.filter((b) => b.system === 'erp');
    expect(root).toHaveLength(1);
    expect(entities).toHaveLength(1);
    expect(root[0]!.body.startsWith('{"query":"')).toBe(true);
    expect(isQueryBody(root[0]!.body)).toBe(true);
    expect(isEntitiesBody(root[0]!.body)).toBe(false);
    expect(isQueryBody(entities[0]!.body)).toBe(true);
    expect(isEntitiesBody(entities[0]!.body)).toBe(true);
    expect(JSON.parse(entities[0]!.body).variables.representations.length).toBeGreaterThan(0);
  });

  it('a mutation is not a query body, so it is never merged, batched or cached', async () => {
    const { response, bodies } = await bodiesOf(
      'mutation { updateCustomerProfile(id: "C00001", input: { accountManager: "Canary" }) { id } }',
    );
    expect(response.body.errors).toBeUndefined();
    const [mutation] = bodies;
    expect(bodies).toHaveLength(1);
    expect(mutation!.system).toBe('crm');
    expect(mutation!.body.startsWith('{"query":"mutation')).toBe(true);
    expect(isQueryBody(mutation!.body)).toBe(false);
    expect(isMutationText(JSON.parse(mutation!.body).query)).toBe(true);
  });
});

describe('the authorization cut (request-context.ts)', () => {
  const QUERY = '{ customer(id: "C00001") { id name creditLimit } }';

  it('a caller without the right gets the cut plan, even after the full document was planned and cached', async () => {
    // An admin first: the plan cache now holds the full document's plan under its hash.
    const full = await bodiesOf(QUERY);
    expect(full.response.body.errors).toBeUndefined();
    expect(full.bodies.some((b) => b.body.includes('creditLimit'))).toBe(true);

    const planner = { authorization: `Bearer ${await testToken({ roles: ['planner'] })}` };
    const cut = await bodiesOf(QUERY, planner);
    // Were the written document or hash not read, the cached full plan would fetch creditLimit.
    expect(cut.bodies.length).toBeGreaterThan(0);
    expect(cut.bodies.some((b) => b.body.includes('creditLimit'))).toBe(false);
    expect(cut.response.body.data.customer).toMatchObject({ id: 'C00001', creditLimit: null });
    const forbidden = cut.response.body.errors!.filter((e) => e.extensions?.code === 'FORBIDDEN');
    expect(forbidden.length).toBeGreaterThan(0);
    expect(forbidden[0]!.extensions!.field).toBe('Customer.creditLimit');
  });
});

describe('the planned result shaper (result-shaping.ts)', () => {
  it('is the one a gateway request is shaped with', async () => {
    const { files } = await composeGraph([erpSystem, crmSystem]);
    const key = parseCallerKey(process.env.CALLER_SIGNING_KEY!);
    const gateway = new ApolloGateway({
      supergraphSdl: files['supergraph.graphql']!,
      buildService: ({ name }) =>
        new RemoteGraphQLDataSource({
          url: stack.subgraphUrls[name as 'erp' | 'crm'],
          fetcher: callerSealingFetcher(fetch as unknown as Fetcher, key),
          willSendRequest: ({ request }) => void request.http?.headers.set(CALLER_HEADER, callerClaims(TEST_CALLER, name)),
        }),
    });
    const apollo = new ApolloServer({ gateway });
    await apollo.start();
    const before = resultShapingMode();
    // The shapers give the same JSON; what tells them apart in-process is the objects they build:
    // Apollo's are prototype-less, the planned shaper's are plain.
    const shapedObjects = async () => {
      const response = await apollo.executeOperation({ query: '{ customer(id: "C00001") { id name creditLimit } }' });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const data = response.body.singleResult.data as { customer: object };
      expect(data.customer).toMatchObject({ id: 'C00001' });
      return [Object.getPrototypeOf(data), Object.getPrototypeOf(data.customer)];
    };
    try {
      installResultShaping('planned');
      expect(await shapedObjects()).toEqual([Object.prototype, Object.prototype]);
      installResultShaping('apollo');
      expect(await shapedObjects()).toEqual([null, null]);
    } finally {
      installResultShaping(before);
      await apollo.stop();
    }
  });
});

describe('the keys of automatic persisted queries (persisted-query-keys.ts)', () => {
  it('are the document hash behind the prefix Apollo Server adds', async () => {
    const keys: string[] = [];
    const store = new Map<string, string>();
    const cache: KeyValueCache<string> = {
      get: async (k) => store.get(k),
      set: async (k, v) => {
        keys.push(k);
        store.set(k, v);
      },
      delete: async (k) => store.delete(k),
    };
    const apollo = new ApolloServer({
      typeDefs: 'type Query { ok: Boolean }',
      resolvers: { Query: { ok: () => true } },
      persistedQueries: { cache },
    });
    await apollo.start();
    try {
      const query = '{ ok }';
      const hash = createHash('sha256').update(query).digest('hex');
      const response = await apollo.executeOperation({ query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
      expect(response.body.kind === 'single' && response.body.singleResult.data).toEqual({ ok: true });
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toBe(hash);
      expect(persistedQueryHashOf(keys[0]!)).toBe(hash);
    } finally {
      await apollo.stop();
    }
  });
});
