import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import type { GatewaySecurityOptions } from '../../../gateway/security';
import { createPartnerKey, revokePartnerKey, type GatewayDatabase } from '../../../gateway/security/partners/partner-key.repository';
import { defaultPartnerScopes, openGatewayDatabase } from '../../../gateway/security/partners/store';
import { createLogger } from '../../../platform/logger';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { dropDatabases, withDatabase, type Database } from '../../../platform/db/database';
import { composeGraph } from '../../../cli/compose';
import { listenOnFreePort, postGraphQL, startTestStack, staticSupergraph, testToken, type TestStack } from '../../support/stack';
import { testServerUrl } from '../../support/databases';

const silent = createLogger('test', { LOG_LEVEL: 'silent' });

function envSecurity(overrides: Partial<GatewaySecurityOptions> = {}): GatewaySecurityOptions {
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

const bearer = async (roles: string[], extra: Parameters<typeof testToken>[0] = {}) => ({
  authorization: `Bearer ${await testToken({ roles, ...extra })}`,
});

describe('gateway security', () => {
  let stack: TestStack;
  let supergraph: string;
  let gateway: GatewayServer;
  let url: string;
  let gatewayDb: Database<GatewayDatabase>;
  let gatewayDbName: string;
  const subgraphQueries: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    supergraph = (await composeGraph([erpSystem, inventorySystem])).files['supergraph.graphql']!;
    gatewayDbName = `t_${randomBytes(4).toString('hex')}_gateway`;
    gatewayDb = await openGatewayDatabase(withDatabase(testServerUrl(), gatewayDbName));
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: silent,
      beforeSend: [(o) => void subgraphQueries.push(o.request.query ?? '')],
      security: envSecurity({
        partnerDatabase: gatewayDb,
        trustedDocuments: [
          {
            name: 'OpenPurchaseOrders',
            scopes: ['partner:supplier'],
            query: '{ myPurchaseOrders(status: [OPEN]) { nodes { number status } } }',
          },
        ],
        rateLimit: { perMinute: 10_000 },
      }),
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway?.stop(); // closes the gateway database too
    await stack?.stop();
    await dropDatabases(testServerUrl(), [gatewayDbName]);
  });

  describe('authentication', () => {
    it('answers 401 with a GraphQL error when credentials are missing or wrong', async () => {
      const none = await postGraphQL(url, '{ __typename }', undefined, { authorization: '' });
      expect(none.status).toBe(401);
      expect(none.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
      const garbage = await postGraphQL(url, '{ __typename }', undefined, { authorization: 'Bearer not.a.token' });
      expect(garbage.status).toBe(401);
      const badKey = await postGraphQL(url, '{ __typename }', undefined, { 'x-api-key': 'pgk_pk_000000000000_' + 'x'.repeat(43) });
      expect(badKey.status).toBe(401);
    });

    it('says that an expired token has expired', async () => {
      const token = await testToken({ roles: ['admin'], expiresIn: Math.floor(Date.now() / 1000) - 60 });
      const { status, body } = await postGraphQL(url, '{ __typename }', undefined, { authorization: `Bearer ${token}` });
      expect(status).toBe(401);
      expect(body.errors![0]!.message).toMatch(/expired/);
    });

    it('rejects a token signed by another key', async () => {
      const { loadDevIssuer } = await import('../../../gateway/security/dev-issuer');
      const os = await import('node:os');
      const path = await import('node:path');
      const { mkdtempSync, rmSync } = await import('node:fs');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-other-issuer-'));
      try {
        const other = await loadDevIssuer(dir, { issuer: process.env.OIDC_ISSUER, audience: process.env.OIDC_AUDIENCE });
        const { status } = await postGraphQL(url, '{ __typename }', undefined, {
          authorization: `Bearer ${await other.mint({ roles: ['admin'] })}`,
        });
        expect(status).toBe(401);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('accepts a service token minted from the shared signing key, once', async () => {
      const { serviceAuthorization } = await import('../../../platform/caller-header');
      const authorization = serviceAuthorization('inventory-relay', process.env.CALLER_SIGNING_KEY!);
      const first = await postGraphQL(url, '{ __typename }', undefined, { authorization });
      expect(first.status).toBe(200);
      const again = await postGraphQL(url, '{ __typename }', undefined, { authorization });
      expect(again.status).toBe(401);
    });
  });

  describe('field authorization', () => {
    it('nulls Customer.creditLimit for a caller without finance access, never asks ERP for it, and keeps the rest', async () => {
      subgraphQueries.length = 0;
      const query = '{ workOrders(siteId: "S01") { nodes { id customer { id creditLimit } } } }';
      const { status, body } = await postGraphQL(url, query, undefined, await bearer(['planner']));
      expect(status).toBe(200);
      const withCustomer = body.data.workOrders.nodes.filter((w: any) => w.customer);
      expect(withCustomer.length).toBeGreaterThan(0);
      for (const w of withCustomer) expect(w.customer).toEqual({ id: expect.any(String), creditLimit: null });
      const forbidden = body.errors!.filter((e) => e.extensions!.code === 'FORBIDDEN');
      expect(forbidden).toHaveLength(1);
      expect(forbidden[0]!.path).toEqual([
        'workOrders',
        'nodes',
        body.data.workOrders.nodes.indexOf(withCustomer[0]),
        'customer',
        'creditLimit',
      ]);
      expect(subgraphQueries.length).toBeGreaterThan(0);
      expect(subgraphQueries.some((q) => q.includes('creditLimit'))).toBe(false);

      const finance = await postGraphQL(url, query, undefined, await bearer(['finance']));
      expect(finance.body.errors).toBeUndefined();
      expect(finance.body.data.workOrders.nodes.some((w: any) => typeof w.customer?.creditLimit === 'number')).toBe(true);
      const scoped = await postGraphQL(url, query, undefined, await bearer([], { scopes: ['finance:read'] }));
      expect(scoped.body.errors).toBeUndefined();
    });

    it('finds forbidden fields in fragments and under aliases, and leaves no trace of what it cut', async () => {
      subgraphQueries.length = 0;
      const query =
        'query { workOrders(siteId: "S01") { nodes { ...WO } } } fragment WO on WorkOrder { id customer { ... on Customer { limit: creditLimit } } }';
      const { status, body } = await postGraphQL(url, query, undefined, await bearer(['planner']));
      expect(status).toBe(200);
      const withCustomer = body.data.workOrders.nodes.filter((w: any) => w.customer);
      expect(withCustomer.length).toBeGreaterThan(0);
      for (const w of withCustomer) expect(w.customer).toEqual({ limit: null });
      const forbidden = body.errors!.filter((e) => e.extensions!.code === 'FORBIDDEN');
      expect(forbidden).toHaveLength(1);
      expect(forbidden[0]!.path!.slice(-2)).toEqual(['customer', 'limit']);
      expect(subgraphQueries.some((q) => q.includes('creditLimit'))).toBe(false);
    });

    it('nulls only the forbidden Material.standardCost, keeping the rest of the material', async () => {
      const { body } = await postGraphQL(
        url,
        '{ material(id: "M000001") { id standardCost } other: material(id: "M000002") { id } }',
        undefined,
        await bearer(['planner']),
      );
      expect(body.data).toEqual({ material: { id: 'M000001', standardCost: null }, other: { id: 'M000002' } });
      expect(body.errors).toEqual([
        expect.objectContaining({ path: ['material', 'standardCost'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
      ]);
      const admin = await postGraphQL(url, '{ material(id: "M000001") { id standardCost } }', undefined, await bearer(['admin']));
      expect(typeof admin.body.data.material.standardCost).toBe('number');
    });

    it('does not let a cut document share the query plan of the full one', async () => {
      const query = '{ material(id: "M000003") { id description standardCost } }';
      const denied = await postGraphQL(url, query, undefined, await bearer(['planner']));
      expect(denied.body.data.material).toEqual({ id: 'M000003', description: expect.any(String), standardCost: null });
      const allowed = await postGraphQL(url, query, undefined, await bearer(['finance']));
      expect(allowed.body.errors).toBeUndefined();
      expect(typeof allowed.body.data.material.standardCost).toBe('number');
    });

    it('guards a value derived from the standard cost (countVarianceValue) like the cost itself', async () => {
      const query = '{ countDiscrepancies(siteId: "S01", abcClass: A) { nodes { materialId countVarianceQuantity countVarianceValue } } }';
      const denied = await postGraphQL(url, query, undefined, await bearer(['planner']));
      const sites = denied.body.data.countDiscrepancies.nodes as {
        countVarianceQuantity: number | null;
        countVarianceValue: number | null;
      }[];
      expect(sites.length).toBeGreaterThan(0);
      expect(sites.every((s) => s.countVarianceValue === null)).toBe(true);
      expect(sites.some((s) => typeof s.countVarianceQuantity === 'number')).toBe(true);
      expect(denied.body.errors!.every((e) => e.extensions!.code === 'FORBIDDEN' && e.path!.at(-1) === 'countVarianceValue')).toBe(true);
      const allowed = await postGraphQL(url, query, undefined, await bearer(['finance']));
      expect(allowed.body.errors).toBeUndefined();
      expect(
        allowed.body.data.countDiscrepancies.nodes.some(
          (s: { countVarianceValue: number | null }) => typeof s.countVarianceValue === 'number',
        ),
      ).toBe(true);
    });
  });

  describe('operation limits', () => {
    it('refuses a 30-level nested query with 400 before any subgraph is asked', async () => {
      let nested = 'name';
      for (let i = 0; i < 30; i++) nested = `ofType { ${nested} }`;
      subgraphQueries.length = 0;
      const { status, body } = await postGraphQL(url, `{ __type(name: "Query") { fields { type { ${nested} } } } }`);
      expect(status).toBe(400);
      expect(body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'depth' });
      expect(subgraphQueries).toHaveLength(0);
    });

    it('refuses 2,000 aliases', async () => {
      const aliases = Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(' ');
      const { status, body } = await postGraphQL(url, `{ ${aliases} }`);
      expect(status).toBe(400);
      // The count stops at the first alias over the limit: the rest of the document is not walked.
      expect(body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'aliases', value: 31, max: 30 });
    });

    it('refuses too many root fields and too many tokens', async () => {
      const roots = Array.from({ length: 11 }, (_, i) => `m${i}: material(id: "M00000${i}") { id }`).join(' ');
      expect((await postGraphQL(url, `{ ${roots} }`)).body.errors![0]!.extensions).toMatchObject({
        limit: expect.stringMatching(/aliases|rootFields/),
      });
      const tokens = `{ __typename ${'@skip(if: false) '.repeat(4000)}}`;
      const { status, body } = await postGraphQL(url, tokens);
      expect(status).toBe(400);
      expect(body.errors![0]!.message).toMatch(/15000 tokens/);
    });

    it('refuses a 20 MiB body with 413', async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}` },
        body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(20 * 1024 * 1024)}` }),
      }).catch((err: Error) => err);
      // The gateway may close the connection before the client has sent everything.
      if (response instanceof Error) expect(response.message).toMatch(/fetch failed|socket|EPIPE|ECONNRESET/);
      else expect(response.status).toBe(413);
    });
  });

  describe('partners', () => {
    let key: string;
    let keyId: string;
    beforeAll(async () => {
      ({ key, id: keyId } = await createPartnerKey(gatewayDb.db, {
        supplierId: 'V00001',
        scopes: defaultPartnerScopes({ supplierId: 'V00001' }),
      }));
    });

    it('stores only a hash of the key', async () => {
      const rows = await gatewayDb.db.selectFrom('partnerKeys').selectAll().where('id', '=', keyId).execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0])).not.toContain(key.split('_').pop()!);
      expect(rows[0]!.supplierId).toBe('V00001');
    });

    it('shows a partner only the partner contract in introspection', async () => {
      const { status, body } = await postGraphQL(
        url,
        '{ __schema { queryType { fields { name } } types { name fields { name } } } }',
        undefined,
        { 'x-api-key': key },
      );
      expect(status).toBe(200);
      const rootFields = body.data.__schema.queryType.fields.map((f: any) => f.name);
      expect(rootFields).toContain('myPurchaseOrders');
      expect(rootFields).not.toContain('materialSites');
      const types = new Map<string, string[]>(body.data.__schema.types.map((t: any) => [t.name, (t.fields ?? []).map((f: any) => f.name)]));
      expect(types.has('CountTask')).toBe(false);
      expect(types.get('Material')).toEqual(expect.arrayContaining(['description', 'baseUnitOfMeasure']));
      expect(types.get('Material')).not.toContain('standardCost');
    });

    it('treats fields and types outside the contract as unknown, every time the document comes, and suggests nothing', async () => {
      const ask = (query: string) => postGraphQL(url, query, undefined, { 'x-api-key': key });
      // The second request finds the contract's verdict on each document already made.
      for (let i = 0; i < 2; i++) {
        // Not a trusted document: refused before validation, so a hidden field and a missing one look alike.
        const hidden = await ask('{ materialSites(siteId: "S01") { nodes { bookQuantity } } }');
        const missing = await ask('{ materialSitez(siteId: "S01") { nodes { bookQuantity } } }');
        expect(hidden.status).toBe(403);
        expect(hidden).toEqual(missing);
        expect(hidden.body.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
        // Introspection reaches validation, against the contract: a hidden type fails as one that does not exist.
        const hiddenType = await ask('{ __schema { ... on MaterialSite { bookQuantity } } }');
        const missingType = await ask('{ __schema { ... on MaterialSitz { bookQuantity } } }');
        expect(hiddenType.status).toBe(400);
        expect(hiddenType.body.errors).toEqual([
          {
            message: 'Unknown type "MaterialSite".',
            locations: [{ line: 1, column: 21 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ]);
        expect(missingType.body.errors).toEqual([
          {
            message: 'Unknown type "MaterialSitz".',
            locations: [{ line: 1, column: 21 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ]);
        // A typo of a type partners do see gets no suggestion either.
        const typo = await ask('{ __schema { ... on Materia { id } } }');
        expect(typo.body.errors![0]!.message).toBe('Unknown type "Materia".');
      }
    });

    it('gives users suggestions outside production', async () => {
      const { body } = await postGraphQL(url, '{ materia(id: "M000001") { id } }');
      expect(body.errors![0]!.message).toMatch(/Did you mean "material"/);
    });

    it('runs only the trusted documents registered for the partner, every time the text comes', async () => {
      for (let i = 0; i < 2; i++) {
        const other = await postGraphQL(url, '{ myPurchaseOrders { nodes { number } } }', undefined, { 'x-api-key': key });
        expect(other.status).toBe(403);
        expect(other.body.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
        const trusted = await postGraphQL(url, 'query { myPurchaseOrders(status: [OPEN]) { nodes {\n number\n status } } }', undefined, {
          'x-api-key': key,
        });
        expect(trusted.status).toBe(200);
        expect(Array.isArray(trusted.body.data.myPurchaseOrders.nodes)).toBe(true);
      }
    });

    it('refuses a revoked key', async () => {
      const { key: doomed, id } = await createPartnerKey(gatewayDb.db, { customerId: 'C00001', scopes: ['partner:customer'] });
      expect((await postGraphQL(url, '{ __typename }', undefined, { 'x-api-key': doomed })).status).toBe(200);
      expect(await revokePartnerKey(gatewayDb.db, id)).toBe(true);
      const { status, body } = await postGraphQL(url, '{ __typename }', undefined, { 'x-api-key': doomed });
      expect(status).toBe(401);
      expect(body.errors![0]!.message).toMatch(/revoked/);
    });
  });
});
