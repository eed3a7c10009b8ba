import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeGraph } from '../../../cli/compose';
import { createProvenanceTracker } from '../../../gateway/authority/provenance';
import { provenancePlugin } from '../../../gateway/plugins/provenance.plugin';
import { SYSTEM_MODULES } from '../../../subgraphs/catalog';
import type { SubgraphServer } from '../../../subgraphs/kit/server';
import { createSystemServer, type SystemModule } from '../../../subgraphs/kit/system';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { CALLER_HEADER, callerClaims, parseCallerKey } from '../../../platform/caller-header';
import { listenOnFreePort, postGraphQL, TEST_CALLER, type GraphQLResponse } from '../../support/stack';
import { callerSealingFetcher } from '../../../gateway/security/caller-seal';
import type { Fetcher } from '@apollo/utils.fetcher';

interface Stack {
  gatewayUrl: string;
  query(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  stop(): Promise<void>;
}

/** Seeded subgraphs behind a plain Apollo gateway that carries only the provenance tracker and plugin. */
async function startProvenanceStack(systems: SystemModule[]): Promise<Stack> {
  const databases: TestDatabase[] = [];
  const servers: SubgraphServer[] = [];
  const urls: Record<string, string> = {};
  let apollo: ApolloServer | undefined;
  const stop = async () => {
    await apollo?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(databases.map((d) => d.drop()));
  };
  try {
    for (const system of systems) {
      const db = await createTestDatabase(system, { seed: true });
      databases.push(db);
      const server = await createSystemServer(system, db.database);
      servers.push(server);
      urls[system.name] = await listenOnFreePort(server.httpServer);
    }
    const { files } = await composeGraph(systems);
    const tracker = createProvenanceTracker();
    const gateway = new ApolloGateway({
      supergraphSdl: files['supergraph.graphql']!,
      buildService: tracker.instrumentServices(
        ({ name }) =>
          new RemoteGraphQLDataSource({
            url: urls[name],
            // Subgraphs answer only requests the gateway vouches for, sealed over each body sent.
            fetcher: callerSealingFetcher(fetch as unknown as Fetcher, parseCallerKey(process.env.CALLER_SIGNING_KEY!)),
            willSendRequest: ({ request }) => void request.http?.headers.set(CALLER_HEADER, callerClaims(TEST_CALLER, name)),
          }),
      ),
    });
    apollo = new ApolloServer({ gateway, plugins: [provenancePlugin({ tracker })] });
    const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });
    const gatewayUrl = `${url.replace(/\/$/, '')}/graphql`;
    return { gatewayUrl, query: (q, v) => postGraphQL(gatewayUrl, q, v), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

// q01 and q02 of the domain's questions, as far as the systems in the catalog answer them.
const Q01 = `query WorkOrderDashboard($siteId: ID!) {
  workOrders(siteId: $siteId, status: [RELEASED]) {
    nodes {
      id dueDate plannedQuantity orderStatus
      material { description baseUnitOfMeasure }
      customer { creditLimit }
    }
  }
}`;

const Q02 = `query InventoryDiscrepancies($siteId: ID!) {
  countDiscrepancies(siteId: $siteId, abcClass: A) {
    nodes {
      materialId abcClass binCodes
      lastCount { binCode countedQuantity recountQuantity countedAt status }
      bookQuantity blockedQuantity lastMovementAt
      material { description baseUnitOfMeasure }
      countVarianceQuantity withinTolerance
      countVarianceValue
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const Q02_LEAVES = [
  'countDiscrepancies.nodes.*.materialId',
  'countDiscrepancies.nodes.*.abcClass',
  'countDiscrepancies.nodes.*.binCodes.*',
  'countDiscrepancies.nodes.*.lastCount.binCode',
  'countDiscrepancies.nodes.*.lastCount.countedQuantity',
  'countDiscrepancies.nodes.*.lastCount.recountQuantity',
  'countDiscrepancies.nodes.*.lastCount.countedAt',
  'countDiscrepancies.nodes.*.lastCount.status',
  'countDiscrepancies.nodes.*.bookQuantity',
  'countDiscrepancies.nodes.*.blockedQuantity',
  'countDiscrepancies.nodes.*.lastMovementAt',
  'countDiscrepancies.nodes.*.material.description',
  'countDiscrepancies.nodes.*.material.baseUnitOfMeasure',
  'countDiscrepancies.nodes.*.countVarianceQuantity',
  'countDiscrepancies.nodes.*.withinTolerance',
  'countDiscrepancies.nodes.*.countVarianceValue',
  'countDiscrepancies.pageInfo.hasNextPage',
  'countDiscrepancies.pageInfo.endCursor',
];

describe('provenance in extensions', () => {
  let stack: Stack;
  const ask = { 'x-plantgraph-provenance': 'true' };

  beforeAll(async () => {
    stack = await startProvenanceStack([SYSTEM_MODULES.erp, SYSTEM_MODULES.inventory] as SystemModule[]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('adds nothing when the request does not ask', async () => {
    const { status, body } = await stack.query(Q02, { siteId: 'S01' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect((body as any).extensions?.provenance).toBeUndefined();
  });

  it('q02: names the system behind every path, with the @requires round trip and what ERP fed it', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, Q02, { siteId: 'S01' }, ask);
    expect(body.errors).toBeUndefined();
    expect(body.data.countDiscrepancies.nodes.length).toBeGreaterThan(0);
    const provenance = (body as any).extensions.provenance;
    expect(Object.keys(provenance).sort()).toEqual(['erp', 'inventory']);

    expect(provenance.inventory).toMatchObject({ label: 'Inventory', kind: 'engagement', fetches: 2 });
    expect(provenance.erp).toMatchObject({ label: 'ERP', kind: 'record', fetches: 1 });
    expect(provenance.inventory.paths).toEqual(
      expect.arrayContaining([
        'countDiscrepancies.nodes.*.materialId',
        'countDiscrepancies.nodes.*.lastCount.status',
        'countDiscrepancies.nodes.*.countVarianceValue',
      ]),
    );
    expect(provenance.erp.paths).toEqual(
      expect.arrayContaining(['countDiscrepancies.nodes.*.bookQuantity', 'countDiscrepancies.nodes.*.material.description']),
    );
    // ERP's standard cost is not in the answer, but inventory's variance value was computed from it.
    expect(provenance.erp.inputs).toContain('countDiscrepancies.nodes.*.material.standardCost');
    expect(provenance.erp.paths).not.toContain('countDiscrepancies.nodes.*.material.standardCost');

    // Every leaf of the answer has exactly one source.
    const all = [...provenance.erp.paths, ...provenance.inventory.paths];
    expect([...all].sort()).toEqual([...Q02_LEAVES].sort());
    for (const system of ['erp', 'inventory']) {
      expect(provenance[system].fetchMs).toBeGreaterThan(0);
    }
  });

  it('q01: folds list positions and keeps a single-system answer to one system', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, Q01, { siteId: 'S01' }, ask);
    expect(body.errors).toBeUndefined();
    expect(body.data.workOrders.nodes.length).toBeGreaterThan(1);
    const provenance = (body as any).extensions.provenance;
    expect(Object.keys(provenance)).toEqual(['erp']);
    expect(provenance.erp.fetches).toBe(1);
    expect(provenance.erp.paths).toEqual([
      'workOrders.nodes.*.id',
      'workOrders.nodes.*.dueDate',
      'workOrders.nodes.*.plannedQuantity',
      'workOrders.nodes.*.orderStatus',
      'workOrders.nodes.*.material.description',
      'workOrders.nodes.*.material.baseUnitOfMeasure',
      'workOrders.nodes.*.customer.creditLimit',
    ]);
  });

  it('answers to extensions: { provenance: true } in the body, through aliases and fragments', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($siteId: ID!) { worklist: countDiscrepancies(siteId: $siteId) { nodes { ...Row } } }
                fragment Row on MaterialSite { id: materialId book: bookQuantity variance: countVarianceQuantity }`,
        variables: { siteId: 'S01' },
        extensions: { provenance: true },
      }),
    });
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.extensions.provenance.erp.paths).toEqual(['worklist.nodes.*.book']);
    expect(body.extensions.provenance.inventory.paths).toEqual(['worklist.nodes.*.id', 'worklist.nodes.*.variance']);
  });
});
