import { createServer, type Server } from 'node:http';
import { composeGraph } from '../../../cli/compose';
import { loadPerformanceConfig, type PerformanceConfig } from '../../../gateway/performance';
import { loadReliabilityConfig } from '../../../gateway/reliability/policy';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createLogger } from '../../../platform/logger';
import { registry } from '../../../platform/metrics';
import { erpSystem } from '../../../subgraphs/erp/server';
import {
  listenOnFreePort,
  postGraphQL,
  startTestStack,
  staticSupergraph,
  testToken,
  type GraphQLResponse,
  type TestStack,
} from '../../support/stack';

async function mergedFetches(): Promise<number> {
  const values = (await registry.getSingleMetric('plantgraph_subgraph_fetches_merged_total')!.get()).values;
  return values.filter((v) => v.labels.system === 'erp').reduce((sum, v) => sum + v.value, 0);
}

// Headers a hop does not carry on: the relay's own connection sets them.
const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * Sits between the gateway and the real ERP subgraph: counts the requests that reach the subgraph
 * and holds each until the test lets it go, so that a second caller's fetch meets the first one
 * in flight however slow the machine.
 */
function holdingRelay(target: () => string) {
  let arrivals = 0;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      arrivals += 1;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string' && !HOP_HEADERS.has(name)) headers[name] = value;
      void gate
        .then(() => fetch(target(), { method: 'POST', headers, body: Buffer.concat(chunks) }))
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((err: Error) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: err.message }] }));
        });
    });
  });
  return {
    server,
    arrivals: () => arrivals,
    hold() {
      arrivals = 0;
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

/** Waits, a few ms at a time, until `done` holds; past `ms`, throws, or returns when `orGiveUp`. */
async function until(done: () => boolean | Promise<boolean>, ms = 10_000, orGiveUp = false) {
  for (const start = Date.now(); !(await done());) {
    if (Date.now() - start > ms) {
      if (orGiveUp) return;
      throw new Error(`waited ${ms} ms in vain`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function mergedOperations(): Promise<number> {
  const values = (await registry.getSingleMetric('plantgraph_gateway_operations_merged_total')!.get()).values;
  return values.reduce((sum, v) => sum + v.value, 0);
}

const QUERY = 'query Cost($id: ID!) { material(id: $id) { id description standardCost } }';

/**
 * A gateway in front of the real ERP through a holding relay, with the sharing mechanisms given:
 * `concurrently` has a second caller ask while the first one's fetch is held at the relay, and
 * says how many requests reached ERP and how many the counter of a mechanism grew by.
 *
 * A merged fetch is counted when it joins; a query merged at the front door only once its leader
 * answers, so for those (`countedLate`) the relay holds the leader for up to 2 s or until the
 * second caller's fetch arrives beside it, however slow the machine.
 */
function sharingGateway(performance: Partial<PerformanceConfig>, merges: () => Promise<number>, countedLate: boolean) {
  let stack: TestStack;
  let relay: ReturnType<typeof holdingRelay>;
  let gateway: GatewayServer;
  let url: string;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem]);
    relay = holdingRelay(() => stack.subgraphUrls.erp!);
    const relayUrl = await listenOnFreePort(relay.server);
    const supergraph = (await composeGraph([erpSystem])).files['supergraph.graphql']!;
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: { erp: relayUrl },
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      performance: { ...loadPerformanceConfig({}), ...performance },
      // The leader is held at the relay longer than the default 3 s timeout would allow.
      reliability: loadReliabilityConfig({ SUBGRAPH_TIMEOUT_MS: '30000' }),
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    relay?.release();
    await gateway?.stop();
    relay?.server.closeAllConnections();
    await new Promise((resolve) => relay?.server.close(resolve));
    await stack?.stop();
  });

  const askAs = async (subject: string, roles: string[], scopes: string[]) => {
    const authorization = `Bearer ${await testToken({ subject, roles, scopes })}`;
    return (id: string) => postGraphQL<any>(url, QUERY, { id }, { authorization });
  };

  async function concurrently(first: (id: string) => Promise<GraphQLResponse>, second: typeof first, id: string) {
    const before = await merges();
    relay.hold();
    const one = first(id);
    await until(() => relay.arrivals() === 1);
    const two = second(id);
    if (countedLate) await until(() => relay.arrivals() === 2, 2_000, true);
    else await until(async () => relay.arrivals() === 2 || (await merges()) > before);
    relay.release();
    const answers = await Promise.all([one, two]);
    return { answers, received: relay.arrivals(), merged: (await merges()) - before };
  }

  return { askAs, concurrently };
}

/** Two users who differ only in names no rule uses share; two who differ in a role a rule names never do. */
function sharesByNamedRights(
  mechanism: string,
  performance: Partial<PerformanceConfig>,
  merges: () => Promise<number>,
  countedLate = false,
) {
  const { askAs, concurrently } = sharingGateway(performance, merges, countedLate);

  it('plans the query once, before anything is measured', async () => {
    const warm = await askAs('share-warm', ['admin'], []);
    expect((await warm('M000001')).body.errors).toBeUndefined();
  });

  it(`shares ${mechanism} between two users who differ only in a scope no rule names`, async () => {
    const alice = await askAs('share-alice', ['finance', 'offline_access'], ['profile', 'user:alice']);
    const bob = await askAs('share-bob', ['finance', 'default-roles-plant'], ['user:bob']);
    const { answers, received, merged } = await concurrently(alice, bob, 'M000002');
    expect(received).toBe(1);
    expect(merged).toBe(1);
    expect(answers[0]!.body.errors).toBeUndefined();
    expect(answers[1]!.body).toEqual(answers[0]!.body);
    expect(typeof answers[0]!.body.data.material.standardCost).toBe('number');
  });

  it(`never shares ${mechanism} between two users who differ in a role a rule names, even for the same subgraph query`, async () => {
    // Both may read the cost, so the gateway sends both the same query; `planner` is named by releaseWorkOrder's rule.
    const carol = await askAs('share-carol', ['finance', 'planner'], ['user:carol']);
    const dave = await askAs('share-dave', ['finance'], ['user:dave']);
    const { answers, received, merged } = await concurrently(carol, dave, 'M000003');
    expect(received).toBe(2);
    expect(merged).toBe(0);
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      expect(typeof answer.body.data.material.standardCost).toBe('number');
    }
  });
}

describe('fetch sharing between callers whose rights differ only in names no rule uses', () => {
  // Operation merging off: what is shared here is the subgraph fetch.
  sharesByNamedRights('one subgraph fetch', { dedup: true, batch: true, operationDedup: false }, mergedFetches);
});

describe('query merging at the front door between callers whose rights differ only in names no rule uses', () => {
  // Fetch merging and batching off: what is shared here is the whole query.
  sharesByNamedRights('one execution of the query', { dedup: false, batch: false, operationDedup: true }, mergedOperations, true);
});
