import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, importJWK, type JWK } from 'jose';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import type { GatewaySecurityOptions } from '../../../gateway/security';
import { doorRefusals } from '../../../gateway/security/door-metrics';
import { createLogger } from '../../../platform/logger';
import { erpSystem } from '../../../subgraphs/erp/server';
import { composeGraph } from '../../../cli/compose';
import { listenOnFreePort, postGraphQL, startTestStack, staticSupergraph, testToken, type TestStack } from '../../support/stack';

const silent = createLogger('test', { LOG_LEVEL: 'silent' });
const OPS_TOKEN = randomBytes(24).toString('hex');

function security(overrides: Partial<GatewaySecurityOptions>): GatewaySecurityOptions {
  return {
    issuer: {
      issuer: process.env.OIDC_ISSUER!,
      audience: process.env.OIDC_AUDIENCE!,
      jwks: JSON.parse(readFileSync(process.env.OIDC_JWKS_FILE!, 'utf8')),
    },
    callerKey: process.env.CALLER_SIGNING_KEY!,
    ...overrides,
  };
}

/** A token from the suite's issuer with claims the development issuer would never write. */
async function rawToken(claims: Record<string, unknown>): Promise<string> {
  const stored = JSON.parse(readFileSync(`${process.env.PLANTGRAPH_TEST_ISSUER_DIR}/issuer-key.json`, 'utf8')) as {
    kid: string;
    privateJwk: JWK;
  };
  const key = await importJWK(stored.privateJwk, 'ES256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: stored.kid })
    .setIssuer(process.env.OIDC_ISSUER!)
    .setAudience(process.env.OIDC_AUDIENCE!)
    .setSubject(`raw-${randomBytes(3).toString('hex')}`)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

/** How many requests the door refused for a reason, from the metric operators scrape. */
async function refusals(reason: string): Promise<number> {
  const metric = await doorRefusals.get();
  return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

const PURCHASE_ORDERS = '{ myPurchaseOrders(status: [OPEN]) { nodes { number } } }';

describe('the front door of the gateway', () => {
  let stack: TestStack;
  let supergraph: string;
  const gateways: GatewayServer[] = [];
  const start = async (options: GatewaySecurityOptions) => {
    const gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: silent,
      security: options,
    });
    gateways.push(gateway);
    return { gateway, url: await listenOnFreePort(gateway.httpServer) };
  };
  beforeAll(async () => {
    stack = await startTestStack([erpSystem]);
    supergraph = (await composeGraph([erpSystem])).files['supergraph.graphql']!;
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await stack?.stop();
  });

  it('answers 401 naming supplier_id when it is an array, and serves the supplier its own orders when it is a string', async () => {
    const { url } = await start(security({}));
    const multivalued = await postGraphQL(url, PURCHASE_ORDERS, undefined, {
      authorization: `Bearer ${await rawToken({ supplier_id: ['V00001', 'V00002'], scope: 'partner:supplier' })}`,
    });
    expect(multivalued.status).toBe(401);
    expect(multivalued.body.errors![0]).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message: expect.stringMatching(/claim "supplier_id" must be one non-empty string/),
    });
    const numeric = await postGraphQL(url, '{ __typename }', undefined, { authorization: `Bearer ${await rawToken({ supplier_id: 42 })}` });
    expect(numeric.status).toBe(401);
    const bound = await postGraphQL(url, '{ __typename }', undefined, {
      authorization: `Bearer ${await rawToken({ supplier_id: 'V00001', scope: 'partner:supplier' })}`,
    });
    expect(bound.status).toBe(200);
  });

  it('limits /explorer/plan and the authority data with the budget of /graphql: a caller limited on one is limited on the others', async () => {
    const { url } = await start(security({ rateLimit: { perMinute: 3 } }));
    const base = url.replace(/\/graphql$/, '');
    const auth = {
      authorization: `Bearer ${await testToken({ roles: ['analyst'], subject: `analyst-${randomBytes(3).toString('hex')}` })}`,
    };
    const plan = () =>
      fetch(`${base}/explorer/plan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ query: '{ material(id: "M000001") { id } }' }),
      });
    expect((await plan()).status).toBe(200);
    expect((await postGraphQL(url, '{ __typename }', undefined, auth)).status).toBe(200);
    expect((await fetch(`${base}/explorer/authority.json`, { headers: auth })).status).toBe(200);
    for (const response of [
      await plan(),
      await fetch(`${base}/explorer/authority.json`, { headers: auth }),
      await fetch(`${base}/authority`, { headers: auth }),
    ]) {
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const rateLimitedBefore = await refusals('rate_limited');
    const limited = await postGraphQL(url, '{ __typename }', undefined, auth);
    expect(limited.status).toBe(429);
    expect(await refusals('rate_limited')).toBe(rateLimitedBefore + 1);
    // Another user is not touched.
    const other = {
      authorization: `Bearer ${await testToken({ roles: ['analyst'], subject: `other-${randomBytes(3).toString('hex')}` })}`,
    };
    expect((await fetch(`${base}/explorer/authority.json`, { headers: other })).status).toBe(200);
  });

  it('refuses a client address after too many failed authentications, before checking its next credentials', async () => {
    const { url } = await start(security({ rateLimit: { authFailuresPerMinute: 3 } }));
    const good = { authorization: `Bearer ${await testToken({ roles: ['planner'] })}` };
    expect((await postGraphQL(url, '{ __typename }', undefined, good)).status).toBe(200);
    const before = { unauthenticated: await refusals('unauthenticated'), limited: await refusals('failed_authentication_limit') };
    for (let i = 0; i < 3; i++)
      expect((await postGraphQL(url, '{ __typename }', undefined, { authorization: `Bearer bad-${i}` })).status).toBe(401);
    const refused = await postGraphQL(url, '{ __typename }', undefined, { 'x-api-key': `pgk_pk_0123456789ab_${'a'.repeat(43)}` });
    expect({ unauthenticated: await refusals('unauthenticated'), limited: await refusals('failed_authentication_limit') }).toEqual({
      unauthenticated: before.unauthenticated + 3,
      limited: before.limited + 1,
    });
    expect(refused.status).toBe(429);
    expect(refused.body.errors![0]!.message).toMatch(/too many failed authentications: 3 per 60 s from 127\.0\.0\.1/);
    // The explorer's door is the same door.
    const plan = await fetch(url.replace('/graphql', '/explorer/plan'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...good },
      body: '{"query":"{ __typename }"}',
    });
    expect(plan.status).toBe(429);
  });

  it('with AUTH_MODE=none, limits each client address (behind a trusted proxy, the one it forwards), not everyone at once', async () => {
    const { url } = await start(security({ mode: 'none', rateLimit: { perMinute: 2, trustedProxies: ['127.0.0.1'] } }));
    const from = (address: string) => postGraphQL(url, '{ __typename }', undefined, { authorization: '', 'x-forwarded-for': address });
    expect([(await from('10.0.0.1')).status, (await from('10.0.0.1')).status, (await from('10.0.0.1')).status]).toEqual([200, 200, 429]);
    expect((await from('10.0.0.2')).status).toBe(200);
    const limited = await from('10.0.0.1');
    expect(limited.body.errors![0]!.message).toMatch(/for client 10\.0\.0\.1/);

    // Without a trusted proxy the header is the client's word and is ignored: the socket's address counts.
    const { url: direct } = await start(security({ mode: 'none', rateLimit: { perMinute: 2 } }));
    const statuses = [];
    for (const address of ['10.0.0.3', '10.0.0.4', '10.0.0.5'])
      statuses.push((await postGraphQL(direct, '{ __typename }', undefined, { authorization: '', 'x-forwarded-for': address })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  describe('operations endpoints', () => {
    let url: string;
    let gateway: GatewayServer;
    let opsBase: string;
    const ops = { authorization: `Bearer ${OPS_TOKEN}` };
    beforeAll(async () => {
      ({ url, gateway } = await start(security({ opsToken: OPS_TOKEN })));
      opsBase = (await listenOnFreePort(gateway.opsServer)).replace(/\/graphql$/, '');
    });
    const at = (path: string, headers: Record<string, string> = {}) => fetch(url.replace('/graphql', path), { headers });

    it('/health is public and names nothing internal', async () => {
      const response = await at('/health');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', auth: 'on' });
    });

    it('/ready gives anyone its status and verdict, and the subgraph URLs and breakers only to the ops token', async () => {
      const open = await at('/ready');
      expect(open.status).toBe(200);
      const body = await open.text();
      expect(JSON.parse(body)).toEqual({ status: 'ready' });
      expect(body).not.toContain('http://');
      const detailed = (await (await at('/ready', ops)).json()) as any;
      expect(detailed.systems.erp).toMatchObject({ url: stack.subgraphUrls.erp, ready: true, breaker: { state: 'closed' } });
      expect(await (await at('/ready', { authorization: 'Bearer wrong' })).json()).toEqual({ status: 'ready' });
    });

    it('/metrics answers 401 without the ops token or with a wrong one, and the metrics with it', async () => {
      const anonymous = await at('/metrics');
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as any).errors[0].message).toMatch(/send "Authorization: Bearer <OPS_TOKEN>"/);
      const user = await at('/metrics', { authorization: `Bearer ${await testToken({ roles: ['admin'] })}` });
      expect(user.status).toBe(401);
      const operator = await at('/metrics', ops);
      expect(operator.status).toBe(200);
      expect(await operator.text()).toContain('plantgraph_');
    });

    it('the ops listener serves the details and the metrics without a token, and nothing else', async () => {
      expect(((await (await fetch(`${opsBase}/ready`)).json()) as any).systems.erp.ready).toBe(true);
      expect(await (await fetch(`${opsBase}/metrics`)).text()).toContain('plantgraph_');
      expect((await fetch(`${opsBase}/graphql`)).status).toBe(404);
    });

    it('without an ops token, /metrics is on the ops listener only', async () => {
      const { url: closed } = await start(security({}));
      const response = await fetch(closed.replace('/graphql', '/metrics'), { headers: ops });
      expect(response.status).toBe(403);
      expect(((await response.json()) as any).errors[0].message).toMatch(/ops listener \(OPS_PORT\)/);
    });
  });
});
