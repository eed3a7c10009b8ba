import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createPartnerKey, type GatewayDatabase } from '../../../gateway/security/partners/partner-key.repository';
import { defaultPartnerScopes, openGatewayDatabase } from '../../../gateway/security/partners/store';
import { PARTNER_DOCUMENTS } from '../../../gateway/security/trusted-documents';
import { composeGraph } from '../../../cli/compose';
import { createLogger } from '../../../platform/logger';
import { erpSystem } from '../../../subgraphs/erp/server';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { dropDatabases, withDatabase, type Database } from '../../../platform/db/database';
import { testServerUrl } from '../../support/databases';
import { listenOnFreePort, postGraphQL, startTestStack, staticSupergraph, testToken, type TestStack } from '../../support/stack';

const Q06 = PARTNER_DOCUMENTS.find((d) => d.name === 'MyOpenPurchaseOrders')!.query;

describe('partner contract: the q06 trusted document, end to end', () => {
  let stack: TestStack;
  let gateway: GatewayServer;
  let url: string;
  let gatewayDb: Database<GatewayDatabase>;
  const gatewayDbName = `t_${randomBytes(4).toString('hex')}_gateway`;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, qualitySystem]);
    gatewayDb = await openGatewayDatabase(withDatabase(testServerUrl(), gatewayDbName));
    gateway = await createGatewayServer({
      supergraph: staticSupergraph((await composeGraph([erpSystem, qualitySystem])).files['supergraph.graphql']!),
      subgraphUrls: stack.subgraphUrls,
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      security: {
        issuer: {
          issuer: process.env.OIDC_ISSUER!,
          audience: process.env.OIDC_AUDIENCE!,
          jwks: JSON.parse(readFileSync(process.env.OIDC_JWKS_FILE!, 'utf8')),
        },
        callerKey: process.env.CALLER_SIGNING_KEY!,
        partnerDatabase: gatewayDb,
      },
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway?.stop();
    await stack?.stop();
    await dropDatabases(testServerUrl(), [gatewayDbName]);
  });

  async function ownOpenOrders(supplierId: string): Promise<string[]> {
    const rows = await stack.databases
      .erp!.database.db.selectFrom('purchaseOrders' as any)
      .select('number' as any)
      .where('supplierId' as any, '=', supplierId)
      .where('status' as any, 'in', ['OPEN', 'PARTIALLY_RECEIVED'])
      .execute();
    return rows.map((r: any) => r.number).sort();
  }

  /** The purchase order numbers of every page of q06, each page asked with the previous one's endCursor. */
  async function allPages(ask: (variables: { after: string | null }) => Promise<{ status: number; body: any }>): Promise<string[]> {
    const numbers: string[] = [];
    let after: string | null = null;
    do {
      const { status, body } = await ask({ after });
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      const page = body.data.myPurchaseOrders;
      numbers.push(...page.nodes.map((po: any) => po.number));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    return numbers.sort();
  }

  it('a supplier key runs q06 and sees exactly its own open purchase orders, the signed caller carrying the binding', async () => {
    let seen = 0;
    for (const supplierId of ['V00001', 'V00002']) {
      const { key } = await createPartnerKey(gatewayDb.db, { supplierId, scopes: defaultPartnerScopes({ supplierId }) });
      const numbers = await allPages((variables) => postGraphQL(url, Q06, variables, { 'x-api-key': key }));
      expect(numbers).toEqual(await ownOpenOrders(supplierId));
      seen += numbers.length;
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('a partner may send a trusted document by its hash alone', async () => {
    const { key } = await createPartnerKey(gatewayDb.db, { supplierId: 'V00001', scopes: defaultPartnerScopes({ supplierId: 'V00001' }) });
    const byHash = (sha256Hash: string, variables: Record<string, unknown> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const q06Hash = createHash('sha256').update(Q06).digest('hex');
    expect(await allPages((variables) => byHash(q06Hash, variables))).toEqual(await ownOpenOrders('V00001'));
    // A hash that names no trusted document can never run for a partner: refused at the front door.
    const unknown = await byHash('0'.repeat(64));
    expect(unknown.status).toBe(403);
    expect(unknown.body.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('a supplier user (JWT with supplier_id) is held to the same contract and documents', async () => {
    const authorization = `Bearer ${await testToken({ roles: ['supplier'], scopes: ['partner:supplier'], supplierId: 'V00001' })}`;
    expect(await allPages((variables) => postGraphQL(url, Q06, variables, { authorization }))).toEqual(await ownOpenOrders('V00001'));
    const other = await postGraphQL(url, '{ material(id: "M000001") { id } }', undefined, { authorization });
    expect(other.status).toBe(403);
    expect(other.body.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it("a supplier key confirms a delivery date on its own purchase order line, and not on another supplier's", async () => {
    const confirm = PARTNER_DOCUMENTS.find((d) => d.name === 'ConfirmPurchaseOrderLine')!.query;
    const erp = stack.databases.erp!.database.db as any;
    const own = await erp
      .selectFrom('purchaseOrders')
      .innerJoin('purchaseOrderLines', 'purchaseOrderLines.poNumber', 'purchaseOrders.number')
      .select(['purchaseOrders.number as number', 'purchaseOrderLines.materialId as materialId'])
      .where('purchaseOrders.supplierId', '=', 'V00001')
      .where('purchaseOrders.status', '=', 'OPEN')
      .executeTakeFirstOrThrow();
    const foreign = await erp
      .selectFrom('purchaseOrders')
      .innerJoin('purchaseOrderLines', 'purchaseOrderLines.poNumber', 'purchaseOrders.number')
      .select(['purchaseOrders.number as number', 'purchaseOrderLines.materialId as materialId'])
      .where('purchaseOrders.supplierId', '<>', 'V00001')
      .where('purchaseOrders.status', '=', 'OPEN')
      .executeTakeFirstOrThrow();
    const { key } = await createPartnerKey(gatewayDb.db, { supplierId: 'V00001', scopes: defaultPartnerScopes({ supplierId: 'V00001' }) });
    const ok = await postGraphQL(
      url,
      confirm,
      { poNumber: own.number, materialId: own.materialId, promisedDate: '2026-12-15' },
      { 'x-api-key': key },
    );
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.confirmPurchaseOrderLine.lines.find((l: any) => l.material.id === own.materialId).promisedDate).toBe('2026-12-15');
    const denied = await postGraphQL(
      url,
      confirm,
      { poNumber: foreign.number, materialId: foreign.materialId, promisedDate: '2026-12-15' },
      { 'x-api-key': key },
    );
    expect(denied.body.data).toBeNull();
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(denied.body.errors![0]!.extensions!.code);
  });

  it('a customer key may not run the supplier document', async () => {
    const { key } = await createPartnerKey(gatewayDb.db, { customerId: 'C00001', scopes: defaultPartnerScopes({ customerId: 'C00001' }) });
    const { status, body } = await postGraphQL(url, Q06, undefined, { 'x-api-key': key });
    expect(status).toBe(403);
    expect(body.errors![0]!.message).toMatch(/partner:supplier/);
  });
});
