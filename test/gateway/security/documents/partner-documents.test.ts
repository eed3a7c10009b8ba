import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { documents } from '../../../../cli/documents';
import { composeGraph } from '../../../../cli/compose';
import { createGatewayServer, type GatewayServer } from '../../../../gateway/server';
import { createPartnerKey } from '../../../../gateway/security/partners/partner-key.repository';
import { openGatewayDatabase } from '../../../../gateway/security/partners/store';
import { documentId } from '../../../../gateway/security/trusted-documents';
import { createLogger } from '../../../../platform/logger';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { qualitySystem } from '../../../../subgraphs/quality/server';
import { dropDatabases, withDatabase } from '../../../../platform/db/database';
import { testServerUrl } from '../../../support/databases';
import { listenOnFreePort, postGraphQL, startTestStack, staticSupergraph, testToken, type TestStack } from '../../../support/stack';
import { testRedis } from '../../../support/redis';

const NUMBERS = 'query MyOpenPurchaseOrderNumbers {\n  myPurchaseOrders(status: [OPEN]) { nodes { number status } }\n}';
const OUTSIDE = 'query EveryMaterial {\n  materials { id description }\n}';

/** Waits until `check` holds, for at most `ms`; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function manifestFile(dir: string, operations: { name: string; type: string; body: string }[]): string {
  const file = path.join(dir, `manifest-${randomBytes(3).toString('hex')}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: operations.map((o) => ({ id: documentId(o.body), ...o })),
    }),
  );
  return file;
}

describe('partner document registry: publish and revoke reach every replica without a restart', () => {
  let stack: TestStack;
  const gateways: GatewayServer[] = [];
  const urls: string[] = [];
  let partnerKey: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let redisUrl: string | undefined;
  const gatewayDbName = `t_${randomBytes(4).toString('hex')}_gateway`;
  const gatewayDbUrl = withDatabase(testServerUrl(), gatewayDbName);

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, qualitySystem]);
    const supergraph = (await composeGraph([erpSystem, qualitySystem])).files['supergraph.graphql']!;
    dir = mkdtempSync(path.join(tmpdir(), 'plantgraph-documents-'));
    writeFileSync(path.join(dir, 'supergraph.graphql'), supergraph);
    env = { GATEWAY_DATABASE_URL: gatewayDbUrl, SUPERGRAPH_PATH: path.join(dir, 'supergraph.graphql') };
    redisUrl = await testRedis('sharing persisted queries between replicas');
    // Two replicas, each with its own connection to the one gateway database (and the one Redis).
    for (let i = 0; i < 2; i++) {
      const gateway = await createGatewayServer({
        supergraph: staticSupergraph(supergraph),
        subgraphUrls: stack.subgraphUrls,
        logger: createLogger('test', { LOG_LEVEL: 'silent' }),
        security: {
          issuer: {
            issuer: process.env.OIDC_ISSUER!,
            audience: process.env.OIDC_AUDIENCE!,
            jwks: JSON.parse(readFileSync(process.env.OIDC_JWKS_FILE!, 'utf8')),
          },
          callerKey: process.env.CALLER_SIGNING_KEY!,
          partnerDatabase: await openGatewayDatabase(gatewayDbUrl),
          documentsPollMs: 500,
          rateLimit: { redisUrl },
        },
      });
      gateways.push(gateway);
      urls.push(await listenOnFreePort(gateway.httpServer));
    }
    const keys = await openGatewayDatabase(gatewayDbUrl);
    try {
      partnerKey = (await createPartnerKey(keys.db, { supplierId: 'V00001', scopes: ['partner:supplier'] })).key;
    } finally {
      await keys.close();
    }
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await stack?.stop();
    await dropDatabases(testServerUrl(), [gatewayDbName]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const byText = (url: string, query: string) => postGraphQL(url, query, undefined, { 'x-api-key': partnerKey });
  const byHash = (url: string, sha256Hash: string, headers: Record<string, string> = { 'x-api-key': partnerKey }) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash } } }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('runs a published document by hash and by text on both replicas, and stops it on both once revoked', async () => {
    for (const url of urls) {
      const before = await byText(url, NUMBERS);
      expect(before.status).toBe(403);
      expect(before.body.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    }

    const published = await documents(
      ['publish', manifestFile(dir, [{ name: 'MyOpenPurchaseOrderNumbers', type: 'query', body: NUMBERS }]), '--scope', 'partner:supplier'],
      env,
    );
    expect(published).toContain(`${documentId(NUMBERS)}\tMyOpenPurchaseOrderNumbers\tquery`);
    const served = async (url: string) => (await byText(url, NUMBERS)).status === 200;
    const reached = await within(5_000, async () => (await Promise.all(urls.map(served))).every(Boolean));
    console.log(`a publish reached both replicas in ${reached} ms (poll every 500 ms)`);

    for (const url of urls) {
      const text = await byText(url, NUMBERS);
      expect(text.body.errors).toBeUndefined();
      expect(text.body.data.myPurchaseOrders.nodes.length).toBeGreaterThan(0);
      const hash = await byHash(url, documentId(NUMBERS));
      expect(hash.status).toBe(200);
      expect(hash.body.data).toEqual(text.body.data);
    }
    expect(await documents(['list'], env)).toMatch(
      new RegExp(`${documentId(NUMBERS)}\\tMyOpenPurchaseOrderNumbers\\tquery\\tpartner:supplier\\t\\S+\\tactive`),
    );

    expect(await documents(['revoke', 'MyOpenPurchaseOrderNumbers'], env)).toBe(`revoked ${documentId(NUMBERS)}`);
    const stopped = await within(5_000, async () =>
      (await Promise.all(urls.map(async (url) => (await byHash(url, documentId(NUMBERS))).status === 403))).every(Boolean),
    );
    console.log(`a revoke reached both replicas in ${stopped} ms`);
    for (const url of urls) {
      const text = await byText(url, NUMBERS);
      expect(text.status).toBe(403);
      expect(text.body.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    }
    expect(await documents(['list'], env)).toMatch(
      new RegExp(`${documentId(NUMBERS)}\\tMyOpenPurchaseOrderNumbers\\tquery\\tpartner:supplier\\t\\S+\\trevoked `),
    );
    // The seeded documents were never touched.
    expect(
      (
        await byHash(
          urls[0]!,
          documentId(
            JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', '..', 'questions', 'partner-manifest.json'), 'utf8'))
              .operations[0].body,
          ),
        )
      ).status,
    ).toBe(200);
  });

  it('refuses at publish a manifest holding a document the contract cannot serve, with the reason, and publishes none of it', async () => {
    const file = manifestFile(dir, [
      { name: 'MyOpenPurchaseOrderNumbers', type: 'query', body: NUMBERS },
      { name: 'EveryMaterial', type: 'query', body: OUTSIDE },
    ]);
    await expect(documents(['publish', file, '--scope', 'partner:supplier'], env)).rejects.toThrow(
      'documents publish: nothing published; 1 of 2 documents refused:\n  EveryMaterial: the partner contract cannot serve it: Cannot query field "materials" on type "Query".',
    );
    const listed = await documents(['list'], env);
    expect(listed).not.toContain(documentId(OUTSIDE));
    expect(listed).not.toMatch(new RegExp(`${documentId(NUMBERS)}.*\\tactive`));
  });

  it('refuses a revoke that names no active document', async () => {
    await expect(documents(['revoke', 'NoSuchDocument'], env)).rejects.toThrow(
      'documents revoke: no active document with id or name "NoSuchDocument"',
    );
  });

  it("a user's automatic persisted query registered on one replica is found on the other (Redis)", async () => {
    if (!redisUrl) return;
    const authorization = `Bearer ${await testToken({ roles: ['planner'] })}`;
    // A new text each run: registrations stay in Redis for a day, and the runs of a suite share it.
    const query = `{ material(id: "M000001") { id } __typename q${randomBytes(8).toString('hex')}: __typename }`;
    const sha256Hash = documentId(query);
    const unknown = await byHash(urls[1]!, sha256Hash, { authorization });
    expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await fetch(urls[0]!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
    });
    expect(registered.status).toBe(200);
    const found = await within(2_000, async () => (await byHash(urls[1]!, sha256Hash, { authorization })).status === 200);
    expect(found).toBeLessThan(2_000);
    expect((await byHash(urls[1]!, sha256Hash, { authorization })).body.data.material).toEqual({ id: 'M000001' });
  });
});
