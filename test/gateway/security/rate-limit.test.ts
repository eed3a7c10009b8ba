import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import type { GatewaySecurityOptions } from '../../../gateway/security';
import { createLogger } from '../../../platform/logger';
import { freePortBlock } from '../../../platform/ports';
import { erpSystem } from '../../../subgraphs/erp/server';
import { composeGraph } from '../../../cli/compose';
import { createDatabase } from '../../../platform/db/database';
import type { GatewayDatabase } from '../../../gateway/security/partners/partner-key.repository';
import { listenOnFreePort, postGraphQL, startTestStack, staticSupergraph, testToken, type TestStack } from '../../support/stack';
import { TEST_REDIS_URL, testRedis } from '../../support/redis';

const REDIS_URL = TEST_REDIS_URL;

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

/** A port nothing listens on, below the ephemeral range so that no outgoing socket takes it meanwhile. */
const closedPort = () => freePortBlock([0]);

describe('rate limits and AUTH_MODE', () => {
  let stack: TestStack;
  let supergraph: string;
  const gateways: GatewayServer[] = [];
  const start = async (options: GatewaySecurityOptions) => {
    const gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      security: options,
    });
    gateways.push(gateway);
    return listenOnFreePort(gateway.httpServer);
  };
  beforeAll(async () => {
    stack = await startTestStack([erpSystem]);
    supergraph = (await composeGraph([erpSystem])).files['supergraph.graphql']!;
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await stack?.stop();
  });

  it('limits each caller on its own (memory), with 429 and retry-after', async () => {
    const url = await start(security({ rateLimit: { perMinute: 3 } }));
    const alice = {
      authorization: `Bearer ${await testToken({ roles: ['planner'], subject: `alice-${randomBytes(3).toString('hex')}` })}`,
    };
    const bob = { authorization: `Bearer ${await testToken({ roles: ['planner'], subject: `bob-${randomBytes(3).toString('hex')}` })}` };
    for (let i = 0; i < 3; i++) expect((await postGraphQL(url, '{ __typename }', undefined, alice)).status).toBe(200);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...alice },
      body: '{"query":"{ __typename }"}',
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await postGraphQL(url, '{ __typename }', undefined, bob)).status).toBe(200);
  });

  it('shares the count across two gateway replicas through Redis', async () => {
    if (!(await testRedis('the shared rate limit'))) return;
    const first = await start(security({ rateLimit: { perMinute: 4, redisUrl: REDIS_URL } }));
    const second = await start(security({ rateLimit: { perMinute: 4, redisUrl: REDIS_URL } }));
    const carol = {
      authorization: `Bearer ${await testToken({ roles: ['planner'], subject: `carol-${randomBytes(4).toString('hex')}` })}`,
    };
    const statuses: number[] = [];
    for (const url of [first, second, first, second, first, second])
      statuses.push((await postGraphQL(url, '{ __typename }', undefined, carol)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it("verifies tokens against the issuer's JWKS URL, and answers 503 while the keys cannot be fetched", async () => {
    const jwks = readFileSync(process.env.OIDC_JWKS_FILE!, 'utf8');
    let fetched = 0;
    const issuerServer = createServer((_req, res) => {
      fetched++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(jwks);
    });
    const jwksUrl = (await listenOnFreePort(issuerServer)).replace('/graphql', '/.well-known/jwks.json');
    try {
      const issuer = { issuer: process.env.OIDC_ISSUER!, audience: process.env.OIDC_AUDIENCE!, jwksUrl };
      const url = await start(security({ issuer }));
      expect((await postGraphQL(url, '{ __typename }')).status).toBe(200);
      expect(fetched).toBe(1);
      const closed = jwksUrl.replace(/:\d+\//, `:${await closedPort()}/`);
      const unreachable = await start(security({ issuer: { ...issuer, jwksUrl: closed } }));
      const { status, body } = await postGraphQL(unreachable, '{ __typename }');
      expect(status).toBe(503);
      expect(body.errors![0]!.extensions!.code).toBe('AUTHENTICATION_UNAVAILABLE');
    } finally {
      issuerServer.closeAllConnections();
      issuerServer.close();
    }
  });

  it('lets requests through uncounted while Redis is down, and answers 503 while the partner database is', async () => {
    const port = await closedPort();
    const url = await start(
      security({
        rateLimit: { perMinute: 1, redisUrl: `redis://127.0.0.1:${port}` },
        partnerDatabase: createDatabase<GatewayDatabase>('gateway', `postgres://postgres@127.0.0.1:${port}/nothing`),
      }),
    );
    for (let i = 0; i < 3; i++) expect((await postGraphQL(url, '{ __typename }')).status).toBe(200);
    const { status, body } = await postGraphQL(url, '{ __typename }', undefined, { 'x-api-key': `pgk_pk_0123456789ab_${'a'.repeat(43)}` });
    expect(status).toBe(503);
    expect(body.errors![0]!.extensions!.code).toBe('AUTHENTICATION_UNAVAILABLE');
  });

  it('AUTH_MODE=none serves without credentials and says so on /health', async () => {
    const url = await start(security({ mode: 'none' }));
    const { status, body } = await postGraphQL(url, '{ material(id: "M000001") { id standardCost } }', undefined, { authorization: '' });
    expect(status).toBe(200);
    expect(typeof body.data.material.standardCost).toBe('number');
    const health = (await (await fetch(url.replace('/graphql', '/health'))).json()) as any;
    expect(health).toMatchObject({ status: 'ok', auth: 'none', warning: expect.stringMatching(/AUTH_MODE=none/) });
    const secured = await start(security({}));
    expect(((await (await fetch(secured.replace('/graphql', '/health'))).json()) as any).auth).toBe('on');
    expect((await postGraphQL(secured, '{ __typename }', undefined, { authorization: '' })).status).toBe(401);
  });
});
