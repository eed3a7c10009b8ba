import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PAGE_SIZE_MAX } from '../../platform/paging';
import { freePortBlock } from '../../platform/ports';
import { PG_PORT_OFFSET, START_PORT_OFFSETS, SYSTEM_NAMES } from '../../platform/systems';
import { dropDatabases, withDatabase } from '../../platform/db/database';
import { postGraphQL } from '../support/stack';
import { embeddedServerUrl } from '../../platform/db/embedded';
import { publishDocuments, revokeDocuments } from '../../gateway/security/documents/document.repository';
import { readManifest, type ManifestOperation } from '../../gateway/security/documents/manifest';
import { createPartnerKey } from '../../gateway/security/partners/partner-key.repository';
import { defaultPartnerScopes, gatewayDatabaseUrl, openGatewayDatabase } from '../../gateway/security/partners/store';
import { documentId, SEEDED_MANIFEST } from '../../gateway/security/trusted-documents';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'plantgraph.js');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string | undefined>): Run {
  let output = '';
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(run: Run, text: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!run.output().includes(text)) {
    if (run.child.exitCode !== null) throw new Error(`exited (${run.child.exitCode}) before "${text}":\n${run.output()}`);
    if (Date.now() - started > timeoutMs) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const freeBasePort = () => freePortBlock(START_PORT_OFFSETS);

function pagedQ06(): ManifestOperation {
  const manifest = readManifest(SEEDED_MANIFEST);
  if (!manifest.ok) throw new Error(manifest.reason);
  return manifest.operations.find((o) => o.name === 'MyOpenPurchaseOrders')!;
}

/**
 * Puts the gateway database of a running `plantgraph start` back as a release before paging left
 * it (the unpaged q06 active, the paged one unknown) and returns a supplier's partner key.
 */
async function leaveUnpagedQ06(pgPort: number): Promise<string> {
  const database = await openGatewayDatabase(gatewayDatabaseUrl(withDatabase(embeddedServerUrl(pgPort), 'plantgraph')));
  try {
    await revokeDocuments(database.db, pagedQ06().id);
    await publishDocuments(
      database.db,
      [{ id: documentId(UNPAGED_Q06), name: 'MyOpenPurchaseOrders', type: 'query', body: UNPAGED_Q06 }],
      ['partner:supplier'],
    );
    return (await createPartnerKey(database.db, { supplierId: 'V00001', scopes: defaultPartnerScopes({ supplierId: 'V00001' }) })).key;
  } finally {
    await database.close();
  }
}

/** The partner question by its id alone, as Apollo Client's persisted-query link sends it. */
async function askPagedQ06(
  base: number,
  key: string,
): Promise<{ status: number; body: { data?: { myPurchaseOrders: { nodes: unknown[] } }; errors?: { extensions?: { code?: string } }[] } }> {
  const response = await fetch(`http://127.0.0.1:${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: pagedQ06().id } } }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

const UNPAGED_Q06 = `query MyOpenPurchaseOrders {
  myPurchaseOrders(status: [OPEN, PARTIALLY_RECEIVED]) {
    number status
    lines { material { id } orderedQuantity receivedLots { id inspections { inspectionType usageDecision } } }
  }
}`;

const FOUNDATION_QUERY = `{ materialSites(siteId: "S01", first: ${PAGE_SIZE_MAX}) {
  nodes { bookQuantity material { description } abcClass countVarianceQuantity }
  pageInfo { hasNextPage }
} }`;

describe('plantgraph start (all in one process)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-start-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when the suite runs as root
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (process.env.TEST_DATABASE_URL) {
      await dropDatabases(
        process.env.TEST_DATABASE_URL,
        SYSTEM_NAMES.map((s) => `e2e_${process.pid}_${s}`),
      );
    }
  });

  it('serves both systems on an embedded PostgreSQL, stops on SIGINT, and reuses the data on a second start', async () => {
    const base = await freeBasePort();
    const env = { PORT: String(base), DATA_DIR: dataDir };
    let partnerKey: string | undefined;

    const first = run(['start'], env);
    try {
      await waitFor(first, 'Plantgraph is running', 90_000);
      expect(first.output()).toContain(`http://127.0.0.1:${base}/graphql`);
      expect(first.output()).toContain('seeded at scale 1');
      const { body } = await postGraphQL(`http://127.0.0.1:${base}/graphql`, FOUNDATION_QUERY);
      expect(body.errors).toBeUndefined();
      // S01 holds 3,000 material-sites at scale 1: a full page, and more after it.
      expect(body.data.materialSites.nodes).toHaveLength(PAGE_SIZE_MAX);
      expect(body.data.materialSites.pageInfo.hasNextPage).toBe(true);
      const health = await fetch(`http://127.0.0.1:${base + 1}/health`);
      expect(await health.json()).toEqual({ status: 'ok', system: 'erp' });
      partnerKey = await leaveUnpagedQ06(base + PG_PORT_OFFSET);
      // The running gateway follows the table within seconds: the paged q06 is unknown now.
      const started = Date.now();
      let refused = await askPagedQ06(base, partnerKey);
      while (refused.status === 200 && Date.now() - started < 15_000) {
        await new Promise((r) => setTimeout(r, 250));
        refused = await askPagedQ06(base, partnerKey);
      }
      expect({ status: refused.status, code: refused.body.errors?.[0]?.extensions?.code }).toEqual({
        status: 403,
        code: 'TRUSTED_DOCUMENT_REQUIRED',
      });
    } finally {
      first.child.kill('SIGINT');
    }
    expect(await first.exited).toBe(0);

    const second = run(['start'], env);
    try {
      await waitFor(second, 'Plantgraph is running', 60_000);
      expect(second.output()).not.toContain('seeded');
      const { body } = await postGraphQL(
        `http://127.0.0.1:${base}/graphql`,
        '{ countTasks(siteId: "S01", status: [SCHEDULED]) { nodes { id } } }',
      );
      expect(body.data.countTasks.nodes.length).toBeGreaterThan(0);
      // The data dir held the unpaged q06 of an earlier release: the second start published today's.
      const q06 = await askPagedQ06(base, partnerKey!);
      expect({ status: q06.status, errors: q06.body.errors }).toEqual({ status: 200, errors: undefined });
      expect(q06.body.data!.myPurchaseOrders.nodes.length).toBeGreaterThan(0);
    } finally {
      second.child.kill('SIGINT');
    }
    expect(await second.exited).toBe(0);
  }, 180_000);

  it('stops with a message naming DATABASE_URL when the database cannot be reached', async () => {
    const base = await freeBasePort();
    const bad = run(['start'], {
      PORT: String(base),
      DATA_DIR: dataDir,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${base + 9}/plantgraph`,
    });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/DATABASE_URL: cannot connect to PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/plantgraph/);
    expect(bad.output()).not.toMatch(/\n\s+at /); // no stack trace

    const malformed = run(['start'], { PORT: String(base), DATA_DIR: dataDir, DATABASE_URL: 'not a url' });
    expect(await malformed.exited).toBe(1);
    expect(malformed.output()).toContain('DATABASE_URL must look like postgres://');
  }, 30_000);

  it('stops with a message naming the port when a port is already taken', async () => {
    const base = await freeBasePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(base + 1, '127.0.0.1', () => resolve()));
    try {
      const taken = run(['start'], {
        PORT: String(base),
        DATA_DIR: dataDir,
        ...(process.env.TEST_DATABASE_URL ? { DATABASE_URL: testPrefixUrl() } : {}),
      });
      expect(await taken.exited).toBe(1);
      expect(taken.output()).toContain(`erp subgraph: port ${base + 1} on 127.0.0.1 is already in use`);
      expect(taken.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 90_000);
});

/** The suite's server with a database prefix of its own, so this test's databases do not collide. */
function testPrefixUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/e2e_${process.pid}`;
  return url.toString();
}
