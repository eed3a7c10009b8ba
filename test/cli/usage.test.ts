import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { Kysely } from 'kysely';
import { usage } from '../../cli/usage';
import type { UsageRecord } from '../../gateway/usage/aggregator';
import { addUsage, deleteUsageBefore, type UsageTables } from '../../gateway/usage/usage.repository';
import { openGatewayDatabase } from '../../gateway/security/partners/store';
import { dropDatabases, withDatabase } from '../../platform/db/database';
import { testServerUrl } from '../support/databases';

const NOW = new Date('2026-06-30T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function record(at: number, clientName: string, operationName: string, count: number, errorCount: number, fields: string[]): UsageRecord {
  return {
    bucket: new Date(at),
    clientName,
    clientVersion: '',
    operationName,
    documentHash: operationName.toLowerCase().padEnd(64, '0'),
    count,
    errorCount,
    durationMsSum: count * 10,
    durationMsMax: 20,
    lastSeen: new Date(at + 30_000),
    fields: new Map(fields.map((f) => [f, { count, errorCount }])),
  };
}

describe('plantgraph usage', () => {
  const name = `t_${randomBytes(4).toString('hex')}_gateway`;
  const url = withDatabase(testServerUrl(), name);
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'plantgraph-usage-'));
    const typeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])
      type Query { orders(status: String): [Order!]! plant: String internal: String @inaccessible }
      type Order @key(fields: "id") { id: ID! number: String legacyCode: String }
    `);
    const composed = composeServices([{ name: 'orders', url: 'http://127.0.0.1:1/graphql', typeDefs }]);
    writeFileSync(path.join(dir, 'supergraph.graphql'), composed.supergraphSdl!);
    env = { GATEWAY_DATABASE_URL: url, SUPERGRAPH_PATH: path.join(dir, 'supergraph.graphql') };
    const database = await openGatewayDatabase(url);
    try {
      await addUsage(database.db as unknown as Kysely<UsageTables>, [
        record(NOW.getTime() - HOUR, 'planning-board', 'Orders', 4, 1, [
          'Query.orders',
          'Query.orders(status:)',
          'Order.id',
          'Order.number',
        ]),
        record(NOW.getTime() - 2 * DAY, 'partner:V00001', 'OrderIds', 2, 0, ['Query.orders', 'Order.id']),
        record(NOW.getTime() - 40 * DAY, 'old-app', 'Legacy', 1, 0, ['Query.orders', 'Order.legacyCode']),
      ]);
    } finally {
      await database.close();
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabases(testServerUrl(), [name]);
  });

  it('reports operations and fields by client for the period, and the fields nobody used, as JSON', async () => {
    const report = JSON.parse(await usage(['--json'], env, NOW));
    expect(report.since).toBe(new Date(NOW.getTime() - 30 * DAY).toISOString());
    expect(report.operations.map((o: any) => [o.clientName, o.operationName, o.count, o.errorCount, o.meanMs])).toEqual([
      ['partner:V00001', 'OrderIds', 2, 0, 10],
      ['planning-board', 'Orders', 4, 1, 10],
    ]);
    expect(report.fields.map((f: any) => `${f.coordinate} ${f.clientName} ${f.count}`)).toEqual([
      'Order.id partner:V00001 2',
      'Order.id planning-board 4',
      'Order.number planning-board 4',
      'Query.orders partner:V00001 2',
      'Query.orders planning-board 4',
      'Query.orders(status:) planning-board 4',
    ]);
    // Older than the period, and @inaccessible fields are not the graph's to report.
    expect(report.unused).toEqual(['Order.legacyCode', 'Query.plant']);
  });

  it('narrows to a field (with its arguments), to a client, and to a shorter or longer period', async () => {
    const byField = JSON.parse(await usage(['--field', 'Query.orders', '--since', '1d', '--json'], env, NOW));
    expect(byField.fields.map((f: any) => f.coordinate)).toEqual(['Query.orders', 'Query.orders(status:)']);
    expect(byField.operations.map((o: any) => o.operationName)).toEqual(['Orders']);
    expect(byField.unused).toEqual([]);

    const byClient = JSON.parse(await usage(['--client', 'partner:V00001', '--json'], env, NOW));
    expect(byClient.operations.map((o: any) => o.operationName)).toEqual(['OrderIds']);
    expect(byClient.unused).toEqual(['Order.legacyCode', 'Order.number', 'Query.plant']);

    const legacy = JSON.parse(await usage(['--field', 'Order.legacyCode', '--since', '60d', '--json'], env, NOW));
    expect(legacy.fields.map((f: any) => [f.clientName, f.lastSeen])).toEqual([
      ['old-app', new Date(NOW.getTime() - 40 * DAY + 30_000).toISOString()],
    ]);
    expect(legacy.operations.map((o: any) => o.operationName)).toEqual(['Legacy']);
  });

  it('prints tables a terminal reads', async () => {
    const text = await usage(['--since', '7d'], env, NOW);
    expect(text).toContain('usage in the last 7d (since 2026-06-23T12:00:00.000Z)');
    expect(text).toMatch(/^planning-board\s+Orders\s+orders000000\s+4\s+1\s+10\.0\s+20\.0\s+2026-06-30T11:00:30Z$/m);
    expect(text).toMatch(/^Order\.number\s+planning-board\s+4\s+1\s+2026-06-30T11:00:30Z$/m);
    expect(text).toContain('fields of the current supergraph unused in the period (2)\n  Order.legacyCode\n  Query.plant');
  });

  it('names the option that is wrong', async () => {
    await expect(usage(['--since', 'last week'], env, NOW)).rejects.toThrow(
      '--since must be a period such as 30d, 12h or 90m, got "last week"',
    );
    await expect(usage(['--field', 'orders'], env, NOW)).rejects.toThrow(
      '--field must be a schema coordinate such as Material.description, got "orders"',
    );
    await expect(usage(['--client'], env, NOW)).rejects.toThrow('--client needs a value');
    await expect(usage([], { ...env, SUPERGRAPH_PATH: path.join(dir, 'missing.graphql') }, NOW)).rejects.toThrow(
      'cannot read the supergraph',
    );
  });

  it('retention deletes buckets older than the cut-off', async () => {
    const database = await openGatewayDatabase(url);
    try {
      expect(await deleteUsageBefore(database.db as unknown as Kysely<UsageTables>, new Date(NOW.getTime() - 30 * DAY))).toBe(3);
    } finally {
      await database.close();
    }
    const report = JSON.parse(await usage(['--since', '60d', '--json'], env, NOW));
    expect(report.operations.map((o: any) => o.operationName).sort()).toEqual(['OrderIds', 'Orders']);
  });
});
