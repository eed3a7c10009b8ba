import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { composeGraph } from '../../../cli/compose';
import { summarizeUsage, deprecatedFields, parseUsageQuery, type UsageOverview } from '../../../gateway/explorer/usage';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import type { GatewaySecurityOptions } from '../../../gateway/security';
import { createPartnerKey, type GatewayDatabase } from '../../../gateway/security/partners/partner-key.repository';
import { defaultPartnerScopes, openGatewayDatabase } from '../../../gateway/security/partners/store';
import type { UsageTables } from '../../../gateway/usage/usage.repository';
import { createLogger } from '../../../platform/logger';
import { dropDatabases, withDatabase } from '../../../platform/db/database';
import { erpSystem } from '../../../subgraphs/erp/server';
import { testServerUrl } from '../../support/databases';
import { listenOnFreePort, staticSupergraph, testToken } from '../../support/stack';

const silent = createLogger('test', { LOG_LEVEL: 'silent' });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function envSecurity(overrides: Partial<GatewaySecurityOptions> = {}): GatewaySecurityOptions {
  return {
    issuer: {
      issuer: process.env.OIDC_ISSUER!,
      audience: process.env.OIDC_AUDIENCE!,
      jwks: JSON.parse(readFileSync(process.env.OIDC_JWKS_FILE!, 'utf8')),
    },
    callerKey: process.env.CALLER_SIGNING_KEY!,
    rateLimit: { perMinute: 10_000 },
    ...overrides,
  };
}

describe('usage in the explorer: GET /explorer/usage.json', () => {
  const gatewayDbName = `t_${randomBytes(4).toString('hex')}_gateway`;
  let gateway: GatewayServer;
  let withoutDatabase: GatewayServer;
  let base: string;
  let baseWithoutDatabase: string;
  let auth: Record<string, string>;
  let db: Kysely<UsageTables>;
  let closeDb: () => Promise<void>;
  const now = Date.now();

  beforeAll(async () => {
    auth = { authorization: `Bearer ${await testToken({ roles: ['analyst'], subject: 'usage-view-test' })}` };
    const supergraph = (await composeGraph([erpSystem])).files['supergraph.graphql']!;
    const database = await openGatewayDatabase(withDatabase(testServerUrl(), gatewayDbName));
    db = database.db as unknown as Kysely<UsageTables>;
    closeDb = () => database.close();
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      logger: silent,
      security: envSecurity({ partnerDatabase: database }),
      usage: { enabled: false, retentionMs: 30 * DAY },
    });
    base = (await listenOnFreePort(gateway.httpServer)).replace(/\/graphql$/, '');
    withoutDatabase = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      logger: silent,
      security: envSecurity(),
      usage: { enabled: false, retentionMs: 30 * DAY },
    });
    baseWithoutDatabase = (await listenOnFreePort(withoutDatabase.httpServer)).replace(/\/graphql$/, '');

    const row = (
      hoursAgo: number,
      clientName: string,
      clientVersion: string,
      operationName: string,
      coordinate: string,
      count: number,
      errorCount = 0,
    ) => ({
      bucket: new Date(now - hoursAgo * HOUR),
      clientName,
      clientVersion,
      operationName,
      documentHash: `h-${operationName}`,
      coordinate,
      count,
      errorCount,
      lastSeen: new Date(now - hoursAgo * HOUR + 30_000),
    });
    await db
      .insertInto('usageFields')
      .values([
        row(1, 'planning-board', '2.1', 'MaterialCard', 'Query.material', 5),
        row(2, 'planning-board', '2.1', 'MaterialCard', 'Query.material', 3, 1),
        row(3, 'planning-board', '2.0', 'MaterialCard', 'Query.material', 2),
        row(5, 'shop-floor', '1.0', 'Lookup', 'Query.material', 4),
        row(1, 'planning-board', '2.1', 'MaterialCard', 'Query.material(id:)', 10),
        row(1, 'planning-board', '2.1', 'MaterialCard', 'Material.description', 10),
        row(6, 'shop-floor', '1.0', 'Lookup', 'Material.description', 1),
        // Forty days ago: outside the default 30-day window, inside a 60-day one.
        row(40 * 24, 'old-report', '0.9', 'Archive', 'Material.baseUnitOfMeasure', 7),
      ])
      .execute();
  });
  afterAll(async () => {
    await gateway?.stop();
    await withoutDatabase?.stop();
    await closeDb?.();
    await dropDatabases(testServerUrl(), [gatewayDbName]);
  });

  const usage = async (query: string, headers: Record<string, string> = auth, at = base) => {
    const response = await fetch(`${at}/explorer/usage.json${query}`, { headers });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('answers users only: no token, a bad token, a supplier, a partner key and an unknown key are refused and see no usage', async () => {
    const supplier = await testToken({ roles: ['supplier'], supplierId: 'V00001', scopes: ['partner:supplier'] });
    const partner = await createPartnerKey(db as unknown as Kysely<GatewayDatabase>, {
      supplierId: 'V00001',
      scopes: defaultPartnerScopes({ supplierId: 'V00001' }),
    });
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'UNAUTHENTICATED'],
      [{ authorization: 'Bearer not-a-token' }, 401, 'UNAUTHENTICATED'],
      [{ authorization: `Bearer ${supplier}` }, 403, 'FORBIDDEN'],
      [{ 'x-api-key': partner.key }, 403, 'FORBIDDEN'],
      [{ 'x-api-key': 'pk_anything' }, 401, 'UNAUTHENTICATED'],
    ];
    for (const [headers, status, code] of cases) {
      const { status: got, body } = await usage('', headers);
      expect([Object.keys(headers).join(), got, body.errors?.[0]?.extensions?.code]).toEqual([Object.keys(headers).join(), status, code]);
      expect(body.fields).toBeUndefined();
    }
  });

  it('sums each field over the window: counts, errors, last seen, clients by version, operations', async () => {
    const { status, body } = await usage('?since=30d');
    expect(status).toBe(200);
    const overview = body as UsageOverview;
    expect(overview.period).toBe('30d');
    expect(overview.fields.map((f) => [f.coordinate, f.count])).toEqual([
      ['Query.material', 14],
      ['Material.description', 11],
      ['Query.material(id:)', 10],
    ]);
    const material = overview.fields[0]!;
    expect(material.errorCount).toBe(1);
    expect(material.lastSeen).toBe(new Date(now - HOUR + 30_000).toISOString());
    expect(material.clients).toEqual([
      { name: 'planning-board', version: '2.1', count: 8, lastSeen: new Date(now - HOUR + 30_000).toISOString() },
      { name: 'shop-floor', version: '1.0', count: 4, lastSeen: new Date(now - 5 * HOUR + 30_000).toISOString() },
      { name: 'planning-board', version: '2.0', count: 2, lastSeen: new Date(now - 3 * HOUR + 30_000).toISOString() },
    ]);
    expect(material.clientCount).toBe(3);
    expect(material.operations).toEqual([
      { name: 'MaterialCard', count: 10 },
      { name: 'Lookup', count: 4 },
    ]);
    // The old report's field is outside the window: unused, like every field nobody selected.
    expect(overview.unused).toContain('Material.baseUnitOfMeasure');
    expect(overview.unused).not.toContain('Query.material');
    expect(overview.unused).not.toContain('Material.description');
  });

  it('respects the window: 4h leaves out older rows, 60d takes in the forty-day-old one', async () => {
    const recent = (await usage('?since=4h')).body as UsageOverview;
    expect(recent.fields.find((f) => f.coordinate === 'Query.material')!.count).toBe(10);
    expect(recent.fields.find((f) => f.coordinate === 'Material.description')!.count).toBe(10);
    const long = (await usage('?since=60d')).body as UsageOverview;
    expect(long.fields.find((f) => f.coordinate === 'Material.baseUnitOfMeasure')).toMatchObject({
      count: 7,
      clients: [{ name: 'old-report', version: '0.9', count: 7 }],
    });
    expect(long.unused).not.toContain('Material.baseUnitOfMeasure');
  });

  it('with field=Type.field answers for that field and its arguments only', async () => {
    const { body } = await usage('?field=Query.material');
    expect((body as UsageOverview).fields.map((f) => f.coordinate)).toEqual(['Query.material', 'Query.material(id:)']);
    expect(body.field).toBe('Query.material');
    expect(body.unused).toEqual([]);
    const unusedOne = (await usage('?field=Material.baseUnitOfMeasure')).body as UsageOverview;
    expect([unusedOne.fields, unusedOne.unused]).toEqual([[], ['Material.baseUnitOfMeasure']]);
  });

  it('refuses a malformed window or field, saying what it expected and echoing a short prefix only', async () => {
    const badSince = await usage(`?since=${'forever'.repeat(20)}`);
    expect(badSince.status).toBe(400);
    expect(badSince.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(badSince.body.errors[0].message).toMatch(/^since: expected a period such as 30d/);
    expect(badSince.body.errors[0].message.length).toBeLessThan(120);
    const badField = await usage('?field=material;drop');
    expect([badField.status, badField.body.errors[0].message]).toEqual([
      400,
      'field: expected a schema coordinate such as Material.description, got "material;drop"',
    ]);
  });

  it('counts against the request rate limit of the user, like /graphql', async () => {
    const limited = await createGatewayServer({
      supergraph: staticSupergraph((await composeGraph([erpSystem])).files['supergraph.graphql']!),
      logger: silent,
      security: envSecurity({ rateLimit: { perMinute: 2 } }),
      usage: { enabled: false, retentionMs: 30 * DAY },
    });
    try {
      const at = (await listenOnFreePort(limited.httpServer)).replace(/\/graphql$/, '');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${at}/explorer/usage.json`, { headers: auth })).status);
      const refused = await fetch(`${at}/explorer/usage.json`, { headers: auth });
      expect(statuses.slice(0, 2)).not.toContain(429);
      expect([statuses[2], refused.status]).toEqual([429, 429]);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await refused.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    } finally {
      await limited.stop();
    }
  });

  it('answers 503 USAGE_NOT_RECORDED when the gateway has no database', async () => {
    const { status, body } = await usage('', auth, baseWithoutDatabase);
    expect([status, body.errors[0].extensions.code]).toEqual([503, 'USAGE_NOT_RECORDED']);
  });
});

describe('usage summary against the schema', () => {
  const sdl =
    'type Query { material(id: ID!): Material, materials: [Material] }\ntype Material { id: ID!, unit: String @deprecated(reason: "Use baseUnit."), baseUnit: String, legacyCode: String @deprecated }';
  const since = new Date('2026-11-04T00:00:00Z');
  const at = new Date('2026-12-01T10:00:00Z');
  const row = (clientName: string, coordinate: string, count: number) => ({
    coordinate,
    clientName,
    clientVersion: '1',
    operationName: 'Op',
    count,
    errorCount: 0,
    lastSeen: at,
  });

  it('names deprecated fields still in use and who uses them; lists the schema fields nobody used', () => {
    const fields = ['Material.baseUnit', 'Material.id', 'Material.legacyCode', 'Material.unit', 'Query.material', 'Query.materials'];
    const rows = [
      row('mes-sync', 'Material.unit', 3),
      row('labels', 'Material.unit', 1),
      row('labels', 'Query.material', 4),
      row('labels', 'Query.__schema', 1),
      row('labels', '__Type.fields', 9),
    ];
    const overview = summarizeUsage(rows, { fields, deprecated: deprecatedFields(sdl) }, { period: '30d', since });
    // Introspection's meta-fields are no fields of the API.
    expect(overview.fields.map((f) => f.coordinate)).toEqual(['Material.unit', 'Query.material']);
    expect(overview.deprecatedInUse).toEqual([
      { coordinate: 'Material.unit', reason: 'Use baseUnit.', clients: ['mes-sync', 'labels'], count: 4, lastSeen: at.toISOString() },
    ]);
    expect(overview.fields.find((f) => f.coordinate === 'Material.unit')!.deprecated).toBe('Use baseUnit.');
    expect(overview.unused).toEqual(['Material.baseUnit', 'Material.id', 'Material.legacyCode', 'Query.materials']);
  });

  it('reads the default window as 30 days', () => {
    const now = new Date('2026-12-04T00:00:00Z');
    expect(parseUsageQuery(new URLSearchParams(''), now)).toEqual({
      ok: true,
      period: '30d',
      since: new Date('2026-11-04T00:00:00Z'),
      field: undefined,
    });
  });
});
