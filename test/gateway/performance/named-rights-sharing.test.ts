import { createServer, type Server } from 'node:http';
import { composeGraph } from '../../../cli/compose';
import { loadPerformanceConfig } from '../../../gateway/performance';
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

/** Waits, a few ms at a time, until `done` holds (at most 10 s). */
async function until(done: () => boolean | Promise<boolean>) {
  for (const start = Date.now(); !(await done());) {
    if (Date.now() - start > 10_000) throw new Error('waited 10 s in vain');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('fetch sharing between callers whose rights differ only in names no rule uses', () => {
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
      // Operation merging off: what is shared here is the subgraph fetch.
      performance: { ...loadPerformanceConfig({}), dedup: true, batch: true, operationDedup: false },
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

  const QUERY = 'query Cost($id: ID!) { material(id: $id) { id description standardCost } }';
  const askAs = async (subject: string, roles: string[], scopes: string[]) => {
    const authorization = `Bearer ${await testToken({ subject, roles, scopes })}`;
    return (id: string) => postGraphQL<any>(url, QUERY, { id }, { authorization });
  };

  /**
   * The first caller's fetch is held at the relay until the second caller's has either joined it
   * (a merged fetch) or arrived beside it; returns both answers and the requests ERP received.
   */
  async function concurrently(first: (id: string) => Promise<GraphQLResponse>, second: typeof first, id: string) {
    const merged = await mergedFetches();
    relay.hold();
    const one = first(id);
    await until(() => relay.arrivals() === 1);
    const two = second(id);
    await until(async () => relay.arrivals() === 2 || (await mergedFetches()) > merged);
    relay.release();
    const answers = await Promise.all([one, two]);
    return { answers, received: relay.arrivals(), merged: (await mergedFetches()) - merged };
  }

  it('plans the query once, before anything is measured', async () => {
    const warm = await askAs('share-warm', ['admin'], []);
    expect((await warm('M000001')).body.errors).toBeUndefined();
  });

  it('shares one subgraph fetch between two users who differ only in a scope no rule names', async () => {
    const alice = await askAs('share-alice', ['finance', 'offline_access'], ['profile', 'user:alice']);
    const bob = await askAs('share-bob', ['finance', 'default-roles-plant'], ['user:bob']);
    const { answers, received, merged } = await concurrently(alice, bob, 'M000002');
    expect(received).toBe(1);
    expect(merged).toBe(1);
    expect(answers[0]!.body.errors).toBeUndefined();
    expect(answers[1]!.body).toEqual(answers[0]!.body);
    expect(typeof answers[0]!.body.data.material.standardCost).toBe('number');
  });

  it('never shares between two users who differ in a role a rule names, even for the same subgraph query', async () => {
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
});
