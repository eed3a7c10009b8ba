import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../platform/db/embedded';
import { ensureDatabases, withDatabase } from '../../platform/db/database';
import { startSubgraphProcess, type NodeProcess } from '../support/processes';
import { freePortBlock } from '../../platform/ports';

async function readiness(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url.replace('/graphql', '/ready'));
  return { status: response.status, body: await response.json() };
}

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("a system's PostgreSQL stopped and started again", () => {
  let parent: string;
  let pg: EmbeddedPostgres;
  let pgPort: number;
  let erp: NodeProcess;
  let url: string;

  const startPg = async () => {
    pg = await startEmbeddedPostgres({ dataDir: path.join(parent, 'pg'), port: pgPort, ephemeral: true });
  };

  beforeAll(async () => {
    parent = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-pgfault-'));
    chmodSync(parent, 0o755); // PostgreSQL runs as its own user when the suite runs as root
    pgPort = await freePortBlock([0]);
    await startPg();
    await ensureDatabases(pg.url, ['plantgraph_erp']);
    const started = await startSubgraphProcess('erp', {
      CALLER_SIGNING_KEY: randomBytes(32).toString('hex'),
      DATABASE_URL: withDatabase(pg.url, 'plantgraph_erp'),
    });
    erp = started.proc;
    url = started.url;
  }, 120_000);

  afterAll(async () => {
    await erp?.stop();
    await pg?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it('reports not ready while its database is down and recovers without a restart', async () => {
    expect(await readiness(url)).toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'ready', system: 'erp', database: 'up' }),
    });

    await pg.stop();
    const down = await eventually(
      () => readiness(url),
      (r) => r.status === 503,
      10_000,
    );
    expect(down).toEqual({ status: 503, body: expect.objectContaining({ status: 'not ready', system: 'erp', database: 'down' }) });
    const health = await fetch(url.replace('/graphql', '/health'));
    expect(health.status).toBe(200); // alive: the process is fine, only its database is gone

    await startPg();
    const up = await eventually(
      () => readiness(url),
      (r) => r.status === 200,
      15_000,
    );
    expect(up.status).toBe(200);
    expect(erp.child.exitCode).toBeNull();
    expect(erp.output()).not.toMatch(/uncaught|unhandled/i);
  }, 90_000);
});
