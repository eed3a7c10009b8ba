import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { graphql } from 'graphql';
import { apiSchemaOf } from '../../cli/check/schemas';
import { freePortBlock } from '../../platform/ports';
import { sql } from 'kysely';
import { check } from '../../cli/check';
import { composeGraph } from '../../cli/compose';
import { implementedSystems } from '../../subgraphs/catalog';
import { dropDatabases, withDatabase, type Database } from '../../platform/db/database';
import type { GatewayDatabase } from '../../gateway/security/partners/partner-key.repository';
import { openGatewayDatabase } from '../../gateway/security/partners/store';
import { testServerUrl } from '../support/databases';

const DEPLOYED = readFileSync(path.resolve('schema/supergraph.graphql'), 'utf8');
const DAY = 86_400_000;
const NOW = new Date('2026-06-30T12:00:00Z');

/** The supergraph without one field of the API: its lines (arguments on lines of their own too) with its @join__field, and its description. */
function withoutField(sdl: string, typeName: string, fieldName: string): string {
  const lines = sdl.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`type ${typeName} `));
  const at = lines.findIndex((l, i) => i > start && new RegExp(`^  ${fieldName}[(:]`).test(l));
  if (start < 0 || at < 0) throw new Error(`${typeName}.${fieldName} is not in the supergraph`);
  let from = at;
  if (lines[at - 1]!.trim().endsWith('"""')) {
    from = at - 1;
    if (lines[from]!.trim() === '"""') while (lines[--from]!.trim() !== '"""');
  }
  let to = at;
  if (lines[at]!.endsWith('(')) while (!lines[to]!.startsWith('  ):')) to++;
  lines.splice(from, to - from + 1);
  return lines.join('\n');
}

describe('plantgraph check', () => {
  const name = `t_${randomBytes(4).toString('hex')}_gateway`;
  const dir = mkdtempSync(path.join(tmpdir(), 'plantgraph-check-'));
  let database: Database<GatewayDatabase>;
  let env: NodeJS.ProcessEnv;
  const proposal = (file: string, sdl: string) => {
    const target = path.join(dir, file);
    writeFileSync(target, sdl);
    return target;
  };
  const recordUse = async (coordinate: string, client: string, version: string, lastSeen: Date, count = 7) => {
    const bucket = new Date(Math.floor(lastSeen.getTime() / 3_600_000) * 3_600_000);
    await sql`insert into usage_fields (bucket, client_name, client_version, operation_name, document_hash, coordinate, count, error_count, last_seen)
              values (${bucket}, ${client}, ${version}, 'Customers', 'abc', ${coordinate}, ${count}, 1, ${lastSeen})`.execute(database.db);
  };

  beforeAll(async () => {
    const url = withDatabase(testServerUrl(), name);
    // Migrated like the gateway's, usage tables included.
    database = await openGatewayDatabase(url);
    env = { GATEWAY_DATABASE_URL: url };
  });
  afterEach(() => sql`delete from usage_fields`.execute(database.db));
  afterAll(async () => {
    await database?.close().catch(() => {});
    await dropDatabases(testServerUrl(), [name]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails on a removed field a client used inside the window, naming the field, the client and its last use', async () => {
    await recordUse('Query.customers', 'sales-dashboard', '2.1.0', new Date(NOW.getTime() - 3 * DAY));
    await recordUse('Query.customers(segment:)', 'crm-sync', '1.0.0', new Date(NOW.getTime() - 1 * DAY), 2);
    await recordUse('Query.customer', 'other-app', '1.0.0', new Date(NOW.getTime() - 1 * DAY));
    const proposed = proposal('removed.graphql', withoutField(DEPLOYED, 'Query', 'customers'));

    const outcome = await check(['--proposed', proposed], env, NOW);

    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toMatch(/^FAIL {2}breaking {3}Field 'customers' was removed from object type 'Query'$/m);
    expect(outcome.output).toContain('used by client crm-sync, client sales-dashboard');
    expect(outcome.output).toContain('sales-dashboard 2.1.0 read Query.customers 7 times (1 with errors), last 2026-06-27T12:00:00.000Z');
    expect(outcome.output).toContain('crm-sync 1.0.0 read Query.customers(segment:) 2 times');
    expect(outcome.output).not.toContain('other-app');
    expect(outcome.output).toMatch(/FAILED: 1 breaking change hits use$/);
  });

  it('passes the same removal with a warning once the last use is older than the window', async () => {
    await recordUse('Query.customers', 'sales-dashboard', '2.1.0', new Date(NOW.getTime() - 40 * DAY));
    await recordUse('Query.customer', 'other-app', '1.0.0', new Date(NOW.getTime() - 1 * DAY));
    const proposed = proposal('removed-old.graphql', withoutField(DEPLOYED, 'Query', 'customers'));

    const outcome = await check(['--proposed', proposed, '--window', '30d'], env, NOW);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.output).toMatch(/^WARN {2}breaking {3}Field 'customers' was removed/m);
    expect(outcome.output).toContain('unused in the last 30d (last used 2026-05-21T12:00:00.000Z by sales-dashboard)');
    expect(outcome.output).toMatch(/passed$/);

    expect((await check(['--proposed', proposed, '--window', '60d'], env, NOW)).exitCode).toBe(1);
  });

  it('fails on a renamed argument that a published partner document passes, naming the document', async () => {
    await recordUse('Query.customer', 'other-app', '1.0.0', new Date(NOW.getTime() - 1 * DAY));
    const renamed = DEPLOYED.replace(/^( {2}myPurchaseOrders\(\s*)status: /m, '$1statuses: ');
    expect(renamed).not.toBe(DEPLOYED);

    const outcome = await check(['--proposed', proposal('renamed.graphql', renamed), '--json'], env, NOW);
    expect(outcome.exitCode).toBe(1);
    const removal = outcome.report.changes.find((c) => c.type === 'FIELD_ARGUMENT_REMOVED')!;
    expect(removal).toMatchObject({
      verdict: 'fail',
      path: 'Query.myPurchaseOrders.status',
      documents: [{ name: 'MyOpenPurchaseOrders' }],
    });
    expect(removal.reason).toBe('used by partner document "MyOpenPurchaseOrders"');

    // Revoked, the document no longer holds the argument in place.
    await database.db.updateTable('partnerDocuments').set({ revokedAt: new Date() }).where('name', '=', 'MyOpenPurchaseOrders').execute();
    try {
      expect((await check(['--proposed', proposal('renamed.graphql', renamed)], env, NOW)).exitCode).toBe(0);
    } finally {
      await database.db.updateTable('partnerDocuments').set({ revokedAt: null }).where('name', '=', 'MyOpenPurchaseOrders').execute();
    }
  });

  it('passes an additive change without reading any usage, and reports it as safe', async () => {
    const added = DEPLOYED.replace(
      /^type Query (.*)\{$/m,
      (line) => `${line}\n  """Authoritative source: ERP (system of record)"""\n  plantCalendar: String @join__field(graph: ERP)`,
    );
    const outcome = await check(['--proposed', proposal('added.graphql', added)], { DATA_DIR: dir }, NOW);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.output).toMatch(/^ok {4}safe {7}Field 'plantCalendar' was added to object type 'Query'$/m);
    expect(outcome.report.usageUnknown).toBeNull();
  });

  it('prints JSON for CI with the verdict, the sources, the summary and each change with its clients', async () => {
    await recordUse('Query.customers', 'sales-dashboard', '2.1.0', new Date(NOW.getTime() - 3 * DAY));
    const proposed = proposal('removed.graphql', withoutField(DEPLOYED, 'Query', 'customers'));
    const outcome = await check(['--proposed', proposed, '--json', '--window', '7d'], env, NOW);
    const json = JSON.parse(outcome.output);
    expect(json).toEqual({
      ok: false,
      proposed,
      against: path.join('schema', 'supergraph.graphql'),
      window: '7d',
      since: '2026-06-23T12:00:00.000Z',
      usageUnknown: null,
      summary: { breaking: 1, dangerous: 0, safe: 0, failing: 1 },
      changes: [
        {
          level: 'breaking',
          type: 'FIELD_REMOVED',
          message: "Field 'customers' was removed from object type 'Query'",
          path: 'Query.customers',
          verdict: 'fail',
          reason: 'used by client sales-dashboard',
          clients: [
            {
              client: 'sales-dashboard',
              version: '2.1.0',
              coordinate: 'Query.customers',
              count: 7,
              errorCount: 1,
              lastSeen: '2026-06-27T12:00:00.000Z',
            },
          ],
          formerClients: [],
          documents: [],
        },
      ],
    });
  });

  it('fails a breaking change when usage cannot be read, unless --allow-missing-usage says to pass with a warning', async () => {
    const proposed = proposal('removed.graphql', withoutField(DEPLOYED, 'Query', 'customers'));
    const offline = { DATA_DIR: dir };
    const failed = await check(['--proposed', proposed], offline, NOW);
    expect(failed.exitCode).toBe(1);
    expect(failed.output).toContain('usage unknown: no gateway database: set GATEWAY_DATABASE_URL');
    expect(failed.output).toMatch(/FAILED: 1 breaking change of unknown use$/);
    const allowed = await check(['--proposed', proposed, '--allow-missing-usage'], offline, NOW);
    expect(allowed.exitCode).toBe(0);
    expect(allowed.output).toContain('(allowed by --allow-missing-usage)');

    // A reachable database that has never recorded any use vouches for nothing either.
    const empty = await check(['--proposed', proposed], env, NOW);
    expect(empty.exitCode).toBe(1);
    expect(empty.report.usageUnknown).toBe('the gateway database holds no recorded usage at all: is usage recording on?');
    expect(empty.output.split('\n')[1]).toBe(
      'recorded usage unknown: the gateway database holds no recorded usage at all: is usage recording on?',
    );
  });

  it('refuses a field that changes owner without a declared move, and bad arguments with what was expected', async () => {
    const moved = DEPLOYED.replace(/(\ntype Lot [^]*?\n {2}siteId: ID! )@join__field\(graph: MES\)/, '$1@join__field(graph: ERP)');
    expect(moved).not.toBe(DEPLOYED);
    await expect(check(['--proposed', proposal('moved.graphql', moved)], env, NOW)).rejects.toThrow(
      'authority check failed:\n  - Lot.siteId: moves from mes to erp, but the systems registry declares no such move; add it to AUTHORITY.moves with a reason',
    );
    // A reserved field served by another system is refused by compose's own supergraph guard.
    const taken = DEPLOYED.replace('  name: String! @join__field(graph: CRM)', '  name: String! @join__field(graph: ERP)');
    await expect(check(['--proposed', proposal('taken.graphql', taken)], env, NOW)).rejects.toThrow(
      /^authority check failed:\n {2}- Customer\.name: served by ERP/,
    );
    await expect(check(['--window', '30 days'], env, NOW)).rejects.toThrow(
      '--window expects a positive duration such as 30d, 12h or 90m, got "30 days"',
    );
    await expect(check(['--against', path.join(dir, 'missing.graphql')], env, NOW)).rejects.toThrow(
      /--against: cannot read .*missing\.graphql \(ENOENT\)/,
    );
    await expect(check(['--force'], env, NOW)).rejects.toThrow('check: unknown argument "--force"');
  });

  it('compares with a running gateway through introspection, with the token from PLANTGRAPH_TOKEN', async () => {
    const schema = await apiSchemaOf(DEPLOYED, 'schema/supergraph.graphql');
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', async () => {
        res.setHeader('content-type', 'application/json');
        if (req.headers.authorization !== 'Bearer admin-token') {
          res.statusCode = 401;
          return res.end(JSON.stringify({ errors: [{ message: 'a token is required', extensions: { code: 'UNAUTHENTICATED' } }] }));
        }
        res.end(JSON.stringify(await graphql({ schema, source: JSON.parse(body).query })));
      });
    });
    const port = await freePortBlock([0]);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${port}/graphql`;
      const added = DEPLOYED.replace(/^type Query (.*)\{$/m, (line) => `${line}\n  plantCalendar: String @join__field(graph: ERP)`);
      const outcome = await check(
        ['--against', url, '--proposed', proposal('added.graphql', added)],
        { PLANTGRAPH_TOKEN: 'admin-token' },
        NOW,
      );
      expect(outcome.report.against).toBe(url);
      // The served API schema carries the same descriptions, so the one added field is the only change.
      expect(outcome.report.changes.map((c) => [c.level, c.path])).toEqual([['safe', 'Query.plantCalendar']]);
      await expect(check(['--against', url], {}, NOW)).rejects.toThrow(
        `--against ${url}: introspection refused (a token is required); set PLANTGRAPH_TOKEN to an admin token`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('composes the working tree in memory when no --proposed is given, writing nothing to schema/', async () => {
    const composed = proposal('working-tree.graphql', (await composeGraph(implementedSystems())).files['supergraph.graphql']!);
    const before = statSync(path.resolve('schema/supergraph.graphql')).mtimeMs;
    const outcome = await check(['--against', composed], { DATA_DIR: dir }, NOW);
    expect(outcome.report.proposed).toBe('the working tree (composed)');
    expect(outcome.output.split('\n').slice(1)).toEqual(['no changes', '0 breaking, 0 dangerous, 0 safe; passed']);
    expect(statSync(path.resolve('schema/supergraph.graphql')).mtimeMs).toBe(before);
  });
});
