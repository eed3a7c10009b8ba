import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createPartnerKey, type GatewayDatabase } from '../../../gateway/security/partners/partner-key.repository';
import { defaultPartnerScopes, openGatewayDatabase } from '../../../gateway/security/partners/store';
import { createLogger } from '../../../platform/logger';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { dropDatabases, withDatabase, type Database } from '../../../platform/db/database';
import { composeGraph } from '../../../cli/compose';
import { listenOnFreePort, postGraphQL, startTestStack, staticSupergraph, testToken, type TestStack } from '../../support/stack';
import { testServerUrl } from '../../support/databases';
import { aliasFlood, deepVariablesBody, fanOutFragments } from './hostile-documents';

const silent = createLogger('test', { LOG_LEVEL: 'silent' });

/**
 * Bounds for a machine shared with other work: the refusals measure a few milliseconds on their
 * own, and the hostile documents took 16 to 44 s before the analysis was linear.
 */
const REFUSED_WITHIN_MS = 1_000;
const ORDINARY_WITHIN_MS = 2_000;

const ORDINARY = '{ material(id: "M000001") { id description baseUnitOfMeasure } }';

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

describe('hostile input at the front door', () => {
  let stack: TestStack;
  let gateway: GatewayServer;
  let url: string;
  let base: string;
  let gatewayDb: Database<GatewayDatabase>;
  let gatewayDbName: string;
  let partnerKey: string;
  let user: Record<string, string>;
  const subgraphQueries: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    const supergraph = (await composeGraph([erpSystem, inventorySystem])).files['supergraph.graphql']!;
    gatewayDbName = `t_${randomBytes(4).toString('hex')}_gateway`;
    gatewayDb = await openGatewayDatabase(withDatabase(testServerUrl(), gatewayDbName));
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: silent,
      beforeSend: [(o) => void subgraphQueries.push(o.request.query ?? '')],
      security: {
        issuer: {
          issuer: process.env.OIDC_ISSUER!,
          audience: process.env.OIDC_AUDIENCE!,
          jwks: JSON.parse(readFileSync(process.env.OIDC_JWKS_FILE!, 'utf8')),
        },
        callerKey: process.env.CALLER_SIGNING_KEY!,
        partnerDatabase: gatewayDb,
        rateLimit: { perMinute: 10_000 },
      },
    });
    url = await listenOnFreePort(gateway.httpServer);
    base = url.replace(/\/graphql$/, '');
    ({ key: partnerKey } = await createPartnerKey(gatewayDb.db, {
      supplierId: 'V00001',
      scopes: defaultPartnerScopes({ supplierId: 'V00001' }),
    }));
    user = { authorization: `Bearer ${await testToken({ roles: ['planner'] })}` };
    // Warm: the first request of a gateway plans and compiles what later ones reuse.
    await postGraphQL(url, ORDINARY, undefined, user);
  });
  afterAll(async () => {
    await gateway?.stop();
    await stack?.stop();
    await dropDatabases(testServerUrl(), [gatewayDbName]);
  });

  /** Sends the hostile request and, while it is in flight, an ordinary query; both are timed. */
  async function alongside<T>(hostile: () => Promise<T>) {
    const [attack, ordinary] = await Promise.all([timed(hostile), timed(() => postGraphQL(url, ORDINARY, undefined, user))]);
    expect(ordinary.result.status).toBe(200);
    expect(ordinary.result.body.data.material.id).toBe('M000001');
    expect(ordinary.ms).toBeLessThan(ORDINARY_WITHIN_MS);
    expect(attack.ms).toBeLessThan(REFUSED_WITHIN_MS);
    return attack.result;
  }

  const plan = (query: string) =>
    fetch(`${base}/explorer/plan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user },
      body: JSON.stringify({ query }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('refuses fan-out fragments (1 KB, 2^23 fields) from a user, before any subgraph is asked', async () => {
    const document = fanOutFragments(23);
    expect(document.length).toBeLessThan(1_100);
    subgraphQueries.length = 0;
    const { status, body } = await alongside(() => postGraphQL(url, document, undefined, user));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'fields', max: 2000 });
    expect(subgraphQueries.filter((q) => q.includes('FanOut'))).toHaveLength(0);
  });

  it('refuses 1,300 fields of one response name (a second of graphql-js validation) before validating them', async () => {
    // An unknown field as well: had validation run first, the answer would be GRAPHQL_VALIDATION_FAILED.
    const document = `{ ${'a: material(id: "M000001") { id } '.repeat(1_300)} nope }`;
    const { status, body } = await alongside(() => postGraphQL(url, document, undefined, user));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'aliases', value: 31 });
  });

  it('refuses the same document from a partner key at the front door, as an untrusted document', async () => {
    const { status, body } = await alongside(() => postGraphQL(url, fanOutFragments(23), undefined, { 'x-api-key': partnerKey }));
    expect(status).toBe(403);
    expect(body.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('refuses variables nested 100,000 levels deep', async () => {
    const { status, body } = await alongside(() =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...user }, body: deepVariablesBody(100_000) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      ),
    );
    expect(status).toBe(400);
    expect(body.errors![0]!.message).toMatch(/nests objects and arrays more than \d+ levels deep/);
  });

  it('refuses 1,450 aliases in a 250 KB document on /explorer/plan with the limits of /graphql: tokens first', async () => {
    const document = aliasFlood(1_450, 250_000);
    expect(document.length).toBeGreaterThan(240_000);
    const { status, body } = await alongside(() => plan(document));
    expect(status).toBe(400);
    expect(body.errors![0]!.message).toMatch(/more that 15000 tokens/);
  });

  it('refuses 1,300 aliases (within the token limit) on /explorer/plan at the 31st alias', async () => {
    const { status, body } = await alongside(() => plan(aliasFlood(1_300, 250_000)));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toEqual({ code: 'OPERATION_TOO_COMPLEX', limit: 'aliases', value: 31, max: 30 });
  });

  it('refuses fan-out fragments on /explorer/plan', async () => {
    const { status, body } = await alongside(() => plan(fanOutFragments(23)));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'fields' });
  });

  it('hides suggestions from every caller when schema details are hidden, as NODE_ENV=production does', async () => {
    const production = await createGatewayServer({
      supergraph: staticSupergraph((await composeGraph([erpSystem, inventorySystem])).files['supergraph.graphql']!),
      subgraphUrls: stack.subgraphUrls,
      logger: silent,
      security: {
        issuer: {
          issuer: process.env.OIDC_ISSUER!,
          audience: process.env.OIDC_AUDIENCE!,
          jwks: JSON.parse(readFileSync(process.env.OIDC_JWKS_FILE!, 'utf8')),
        },
        callerKey: process.env.CALLER_SIGNING_KEY!,
        hideSchemaDetails: true,
      },
    });
    try {
      const productionUrl = await listenOnFreePort(production.httpServer);
      const typo = '{ materia(id: "M000001") { id } }';
      expect((await postGraphQL(url, typo, undefined, user)).body.errors![0]!.message).toMatch(/Did you mean "material"\?/);
      const { status, body } = await postGraphQL(productionUrl, typo, undefined, user);
      expect(status).toBe(400);
      expect(body.errors![0]!.message).toBe('Cannot query field "materia" on type "Query".');
    } finally {
      await production.stop();
    }
  });

  it('cuts a denied field spread 512 times once, with one error, in time linear in the document', async () => {
    const document = fanOutFragments(9, 'id standardCost');
    const { status, body } = await alongside(() => postGraphQL(url, document, undefined, user));
    expect(status).toBe(200);
    expect(body.data.material).toEqual({ id: 'M000001', standardCost: null });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['material', 'standardCost'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
  });
});
