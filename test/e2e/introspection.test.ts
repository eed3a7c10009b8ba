import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { composeGraph } from '../../cli/compose';
import { freePortBlock } from '../../platform/ports';
import { erpSystem } from '../../subgraphs/erp/server';
import { runNode, type NodeProcess } from '../support/processes';
import { postGraphQL, startTestStack, testToken, type TestStack } from '../support/stack';

/** Root query fields a caller sees in introspection. */
function queryFields(data: IntrospectionQuery): string[] {
  return Object.keys(buildClientSchema(data).getQueryType()!.getFields()).sort();
}

describe('introspection and CORS of a production gateway (NODE_ENV=production, a real issuer)', () => {
  let stack: TestStack;
  let dir: string;
  const gateways: NodeProcess[] = [];

  /** Runs dist/gateway/main.js in production mode over ERP, with the suite's issuer and signing key. */
  async function startGateway(env: Record<string, string>): Promise<string> {
    const port = await freePortBlock([0]);
    const gateway = runNode('dist/gateway/main.js', {
      PORT: String(port),
      SUPERGRAPH_PATH: path.join(dir, 'supergraph.graphql'),
      ERP_URL: stack.subgraphUrls.erp!,
      DATABASE_URL: undefined,
      // Failed authentications are counted in this process alone, apart from other tests' gateways.
      REDIS_URL: undefined,
      ...env,
    });
    gateways.push(gateway);
    await gateway.waitFor(/gateway listening/);
    return `http://127.0.0.1:${port}/graphql`;
  }

  beforeAll(async () => {
    stack = await startTestStack([erpSystem]);
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-introspection-'));
    writeFileSync(path.join(dir, 'supergraph.graphql'), (await composeGraph([erpSystem])).files['supergraph.graphql']!);
  }, 120_000);

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('by default', () => {
    let url: string;
    beforeAll(async () => {
      url = await startGateway({ AUTH_FAILURES_PER_MINUTE: '3', CORS_ORIGINS: 'https://dashboard.example.com' });
    }, 60_000);

    it('lets a signed-in user introspect the graph, with the authority notes the explorer shows', async () => {
      const planner = { authorization: `Bearer ${await testToken({ roles: ['planner'], subject: 'analyst' })}` };
      const response = await postGraphQL<IntrospectionQuery>(url, getIntrospectionQuery(), undefined, planner);
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      const schema = buildClientSchema(response.body.data!);
      expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(expect.arrayContaining(['material', 'materialSites']));
      expect(schema.getQueryType()!.getFields().material!.description).toMatch(/Authoritative source: ERP \(system of record\)/);
    });

    it('shows each user the fields its roles may read: a planner no standard cost, an admin everything', async () => {
      const fieldsOf = async (roles: string[]) => {
        const response = await postGraphQL(url, '{ __type(name: "Material") { fields { name } } }', undefined, {
          authorization: `Bearer ${await testToken({ roles })}`,
        });
        expect(response.body.errors).toBeUndefined();
        return (response.body.data.__type.fields as { name: string }[]).map((f) => f.name);
      };
      expect(await fieldsOf(['planner'])).not.toContain('standardCost');
      expect(await fieldsOf(['planner'])).toContain('description');
      expect(await fieldsOf(['admin'])).toContain('standardCost');
    });

    it('shows a partner (a user bound to a supplier) the partner contract only', async () => {
      const admin = await postGraphQL<IntrospectionQuery>(url, getIntrospectionQuery());
      const supplier = {
        authorization: `Bearer ${await testToken({ roles: ['supplier'], supplierId: 'V00001', subject: 'supplier-user' })}`,
      };
      const partner = await postGraphQL<IntrospectionQuery>(url, getIntrospectionQuery(), undefined, supplier);
      expect(partner.status).toBe(200);
      expect(partner.body.errors).toBeUndefined();
      expect(queryFields(partner.body.data!)).toContain('myPurchaseOrders');
      expect(queryFields(partner.body.data!)).not.toContain('materialSites');
      expect(queryFields(partner.body.data!).length).toBeLessThan(queryFields(admin.body.data!).length);
    });

    it('never answers introspection without authentication', async () => {
      const anonymous = await postGraphQL(url, '{ __schema { queryType { name } } }', undefined, { authorization: '' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.data).toBeUndefined();
      expect(anonymous.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    });

    it('answers preflights without a token and without counting them as failed authentications', async () => {
      const preflight = () =>
        fetch(url, {
          method: 'OPTIONS',
          headers: {
            origin: 'https://dashboard.example.com',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type,x-api-key',
          },
        });
      // Three failed authentications a minute are allowed here: six preflights would be over the limit.
      for (let i = 0; i < 6; i++) {
        const response = await preflight();
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
        expect(response.headers.get('vary')).toBe('Origin');
      }
      const anonymous = await postGraphQL(url, '{ __typename }', undefined, { authorization: '', origin: 'https://dashboard.example.com' });
      expect(anonymous.status).toBe(401);
      const answered = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: 'https://dashboard.example.com',
          authorization: `Bearer ${await testToken()}`,
        },
        body: JSON.stringify({ query: '{ material(id: "M000001") { id } }' }),
      });
      expect(answered.status).toBe(200);
      expect(answered.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
      expect(answered.headers.get('access-control-expose-headers')).toContain('x-request-id');
      // Caches keep one answer per origin: Apollo Server's own Vary values must not replace it.
      expect(answered.headers.get('vary')).toMatch(/\bOrigin\b/);
      // In production no other origin is allowed unless listed, loopback ones included.
      const local = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      });
      expect(local.status).toBe(403);
      expect(local.headers.get('access-control-allow-origin')).toBeNull();
      // The gateway's own origin (the explorer's) needs no listing.
      const own = new URL(url).origin;
      const explorer = await fetch(url, { method: 'OPTIONS', headers: { origin: own, 'access-control-request-method': 'POST' } });
      expect(explorer.status).toBe(204);
      expect(explorer.headers.get('access-control-allow-origin')).toBe(own);
    });
  });

  describe('outside production (NODE_ENV=development, CORS_ORIGINS unset)', () => {
    it("allows any loopback origin, as a frontend's dev server has, and no other", async () => {
      const url = await startGateway({ NODE_ENV: 'development' });
      const preflight = (origin: string) => fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000']) {
        const response = await preflight(origin);
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      }
      const remote = await preflight('https://dashboard.example.com');
      expect(remote.status).toBe(403);
      expect(remote.headers.get('access-control-allow-origin')).toBeNull();
    }, 60_000);
  });

  describe('with INTROSPECTION=off', () => {
    let url: string;
    beforeAll(async () => {
      url = await startGateway({ INTROSPECTION: 'off' });
    }, 60_000);

    it('refuses __schema and __type with a message that says why, and still answers __typename', async () => {
      for (const [query, field] of [
        [getIntrospectionQuery(), '__schema'],
        ['{ __type(name: "Material") { name } }', '__type'],
      ] as const) {
        const refused = await postGraphQL(url, query);
        expect(refused.status).toBe(400);
        expect(refused.body.data).toBeUndefined();
        expect(refused.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(refused.body.errors![0]!.message).toBe(
          `introspection is turned off on this gateway (INTROSPECTION=off), and the query asks for "${field}"; expected a query without __schema or __type`,
        );
      }
      const data = await postGraphQL(url, '{ __typename material(id: "M000001") { __typename id } }');
      expect(data.status).toBe(200);
      expect(data.body).toEqual({ data: { __typename: 'Query', material: { __typename: 'Material', id: 'M000001' } } });
    });

    it("refuses a partner's introspection of its contract too", async () => {
      const supplier = {
        authorization: `Bearer ${await testToken({ roles: ['supplier'], supplierId: 'V00001', subject: 'supplier-user' })}`,
      };
      const refused = await postGraphQL(url, '{ __schema { queryType { name } } }', undefined, supplier);
      expect(refused.status).toBe(400);
      expect(refused.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });
});
