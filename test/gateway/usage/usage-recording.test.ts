import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { Registry, type MetricValueWithName } from 'prom-client';
import { composeGraph } from '../../../cli/compose';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import type { GatewaySecurityOptions } from '../../../gateway/security';
import { openGatewayDatabase } from '../../../gateway/security/partners/store';
import { loadUsageConfig } from '../../../gateway/usage/config';
import { createLogger } from '../../../platform/logger';
import { createDatabase, dropDatabases, withDatabase } from '../../../platform/db/database';
import { erpSystem } from '../../../subgraphs/erp/server';
import { testServerUrl } from '../../support/databases';
import { listenOnFreePort, postGraphQL, startTestStack, staticSupergraph, testToken, type TestStack } from '../../support/stack';

const silent = createLogger('test', { LOG_LEVEL: 'silent' });
const DAY = 86_400_000;

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

/** Sums the samples of a metric (`name`, or a histogram's `name_count`) whose labels match. */
async function sample(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name.replace(/_count$/, ''));
  if (!metric) return 0;
  // Histograms give each sample its metricName (name_bucket, name_sum, name_count); the other kinds give none.
  const values: MetricValueWithName<string>[] = (await metric.get()).values;
  return values
    .filter((v) => (v.metricName ?? name) === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

// Standard cost needs the finance role: a planner's request is cut before planning.
const COST = 'query MaterialCost($id: ID!) { material(id: $id) { id description standardCost } }';
// The same operation, laid out differently: one normalized document.
const COST_AGAIN = 'query MaterialCost($id: ID!) {\n  material(id: $id) {\n    standardCost\n    description\n    id\n  }\n}';

describe('usage recording at the gateway', () => {
  let stack: TestStack;
  let supergraph: string;
  const gatewayDbName = `t_${randomBytes(4).toString('hex')}_gateway`;
  const gatewayDbUrl = withDatabase(testServerUrl(), gatewayDbName);

  beforeAll(async () => {
    stack = await startTestStack([erpSystem]);
    supergraph = (await composeGraph([erpSystem])).files['supergraph.graphql']!;
  });
  afterAll(async () => {
    await stack?.stop();
    await dropDatabases(testServerUrl(), [gatewayDbName]);
  });

  async function replica(): Promise<{ gateway: GatewayServer; url: string }> {
    const gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: silent,
      security: envSecurity({ partnerDatabase: await openGatewayDatabase(gatewayDbUrl) }),
      // Written at stop only: the test reads the database after both replicas stopped.
      usage: { enabled: true, retentionMs: 30 * DAY, flushEveryMs: 3_600_000, registry: new Registry() },
    });
    return { gateway, url: await listenOnFreePort(gateway.httpServer) };
  }

  it('sums what two replicas recorded into the same rows: clients, operations, the fields left after the cut', async () => {
    const [a, b] = [await replica(), await replica()];
    const planner = {
      authorization: `Bearer ${await testToken({ roles: ['planner'] })}`,
      'apollographql-client-name': 'planning-board',
      'apollographql-client-version': '2.1',
    };
    const admin = { authorization: `Bearer ${await testToken({ roles: ['admin'] })}` };
    for (let i = 0; i < 3; i++) expect((await postGraphQL(a.url, COST, { id: 'M00001' }, planner)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await postGraphQL(b.url, COST_AGAIN, { id: 'M00002' }, planner)).status).toBe(200);
    expect((await postGraphQL(b.url, COST, { id: 'M00001' }, admin)).status).toBe(200);
    expect((await postGraphQL(a.url, '{ material(id: "M00001") { id } }', undefined, admin)).status).toBe(200);
    await a.gateway.stop();
    await b.gateway.stop();

    const reader = createDatabase('gateway', gatewayDbUrl, { maxConnections: 1 });
    try {
      const { rows: operations } = await sql<{
        clientName: string;
        clientVersion: string;
        operationName: string;
        hashes: string;
        count: string;
        errors: string;
      }>`
        select client_name, client_version, operation_name, count(distinct document_hash)::text as hashes, sum(count)::text as count, sum(error_count)::text as errors
        from usage_operations group by 1, 2, 3 order by 1, 3`.execute(reader.db);
      expect(operations).toEqual([
        { clientName: 'planning-board', clientVersion: '2.1', operationName: 'MaterialCost', hashes: '1', count: '5', errors: '5' },
        { clientName: 'user', clientVersion: '', operationName: '', hashes: '1', count: '1', errors: '0' },
        { clientName: 'user', clientVersion: '', operationName: 'MaterialCost', hashes: '1', count: '1', errors: '0' },
      ]);
      const { rows: fields } = await sql<{ clientName: string; coordinate: string; count: string }>`
        select client_name, coordinate, sum(count)::text as count from usage_fields group by 1, 2 order by 1, 2`.execute(reader.db);
      expect(fields).toEqual([
        // The planner never reached Material.standardCost: the authorization cut removed it.
        { clientName: 'planning-board', coordinate: 'Material.description', count: '5' },
        { clientName: 'planning-board', coordinate: 'Material.id', count: '5' },
        { clientName: 'planning-board', coordinate: 'Query.material', count: '5' },
        { clientName: 'planning-board', coordinate: 'Query.material(id:)', count: '5' },
        { clientName: 'user', coordinate: 'Material.description', count: '1' },
        { clientName: 'user', coordinate: 'Material.id', count: '2' },
        { clientName: 'user', coordinate: 'Material.standardCost', count: '1' },
        { clientName: 'user', coordinate: 'Query.material', count: '2' },
        { clientName: 'user', coordinate: 'Query.material(id:)', count: '2' },
      ]);
      const {
        rows: [bucket],
      } = await sql<{ aligned: boolean }>`select bool_and(date_trunc('minute', bucket) = bucket) as aligned from usage_operations`.execute(
        reader.db,
      );
      expect(bucket!.aligned).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('writes nothing with USAGE=off, and still counts the operation in the metrics', async () => {
    const registry = new Registry();
    const gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: silent,
      security: envSecurity({ partnerDatabase: await openGatewayDatabase(gatewayDbUrl) }),
      usage: { ...loadUsageConfig({ USAGE: 'off' }), registry },
    });
    const url = await listenOnFreePort(gateway.httpServer);
    const reader = createDatabase('gateway', gatewayDbUrl, { maxConnections: 1 });
    try {
      const rows = async () =>
        (await sql<{ n: string }>`select count(*)::text as n from usage_operations where operation_name = 'Unrecorded'`.execute(reader.db))
          .rows[0]!.n;
      expect((await postGraphQL(url, 'query Unrecorded { material(id: "M00001") { id } }')).status).toBe(200);
      await gateway.stop();
      expect(await rows()).toBe('0');
      expect(await sample(registry, 'plantgraph_operation_requests_total', { operation: 'Unrecorded', outcome: 'ok' })).toBe(1);
    } finally {
      await reader.close();
    }
  });

  it('answers every request when the gateway database is down, and counts the failed flushes and dropped records', async () => {
    const registry = new Registry();
    const unreachable = createDatabase('gateway', 'postgres://postgres@127.0.0.1:1/plantgraph_gateway', { maxConnections: 1 });
    const gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: silent,
      security: envSecurity(),
      usage: { enabled: true, retentionMs: DAY, database: unreachable.db, flushEveryMs: 100, registry },
    });
    const url = await listenOnFreePort(gateway.httpServer);
    try {
      for (let i = 0; i < 3; i++) {
        const response = await postGraphQL(url, 'query Ids { material(id: "M00001") { id } }');
        expect(response.status).toBe(200);
        expect(response.body.errors).toBeUndefined();
      }
      const deadline = Date.now() + 10_000;
      // The three requests make one record (two if a minute turns between them): lost, and counted.
      while ((await sample(registry, 'plantgraph_usage_records_dropped_total')) < 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await sample(registry, 'plantgraph_usage_flush_failures_total')).toBeGreaterThanOrEqual(1);
      expect(await sample(registry, 'plantgraph_usage_records_dropped_total')).toBeGreaterThanOrEqual(1);
      expect(await sample(registry, 'plantgraph_usage_flushes_total')).toBe(0);
      expect(await sample(registry, 'plantgraph_operation_requests_total', { operation: 'Ids', client: 'user', outcome: 'ok' })).toBe(3);
    } finally {
      await gateway.stop();
      await unreachable.close();
    }
  });

  it('folds operation names and clients beyond the label limits into "other"', async () => {
    const registry = new Registry();
    const gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: silent,
      security: envSecurity(),
      usage: { enabled: false, retentionMs: DAY, registry, labels: { maxOperationLabels: 2, maxClientLabels: 1 } },
    });
    const url = await listenOnFreePort(gateway.httpServer);
    try {
      for (const name of ['First', 'Second', 'Third', 'Fourth']) await postGraphQL(url, `query ${name} { material(id: "M00001") { id } }`);
      await postGraphQL(url, 'query First { material(id: "M00001") { id } }', undefined, { 'apollographql-client-name': 'dashboard' });
      await postGraphQL(url, '{ nowhere }');
      const count = (labels: Record<string, string>) => sample(registry, 'plantgraph_operation_requests_total', labels);
      expect(await count({ operation: 'First', client: 'user' })).toBe(1);
      expect(await count({ operation: 'Second' })).toBe(1);
      expect(await count({ operation: 'other', outcome: 'ok' })).toBe(2);
      // A second client beyond the limit of one, and a document that did not validate.
      expect(await count({ operation: 'First', client: 'other' })).toBe(1);
      expect(await count({ operation: 'other', outcome: 'rejected' })).toBe(1);
      expect(await sample(registry, 'plantgraph_operation_duration_seconds_count', { operation: 'First' })).toBe(2);
    } finally {
      await gateway.stop();
    }
  });
});
