import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { composeGraph } from '../../cli/compose';
import { freePortBlock } from '../../platform/ports';
import { START_PORT_OFFSETS, SYSTEM_NAMES } from '../../platform/systems';
import { erpSystem } from '../../subgraphs/erp/server';
import { dropDatabases } from '../../platform/db/database';
import { postGraphQL, startTestStack, testToken, type TestStack } from '../support/stack';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'plantgraph.js');

/** Waits until `check` holds (a change other processes pick up by polling), for at most `ms`. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const GATEWAY = path.join(ROOT, 'dist', 'gateway', 'main.js');

/** The suite's own security settings, removed so that a process configures itself as a user's would. */
const NO_SUITE_SECURITY = {
  OIDC_ISSUER: undefined,
  OIDC_AUDIENCE: undefined,
  OIDC_JWKS_FILE: undefined,
  CALLER_SIGNING_KEY: undefined,
  OPS_TOKEN: undefined,
};

/** GET with a `Host` header of our choosing (fetch sends the URL's own). */
function getWithHost(url: string, host: string, accept = 'text/html'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host, accept } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Run {
  child: ChildProcess;
  stdout: () => string;
  output: () => string;
  exited: Promise<number | null>;
}

function run(file: string, args: string[], env: Record<string, string | undefined>): Run {
  let stdout = '';
  let output = '';
  const child = spawn(process.execPath, [file, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => ((stdout += c.toString()), (output += c.toString())));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, output: () => output, exited };
}

async function waitFor(r: Run, text: string | RegExp, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const found = () => (typeof text === 'string' ? r.output().includes(text) : text.test(r.output()));
  while (!found()) {
    if (r.child.exitCode !== null) throw new Error(`exited (${r.child.exitCode}) before "${text}":\n${r.output()}`);
    if (Date.now() - started > timeoutMs) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${r.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const freeBasePort = () => freePortBlock(START_PORT_OFFSETS);

const COST = '{ material(id: "M000001") { id standardCost } }';

describe('security of the running processes', () => {
  let dataDir: string;
  const prefix = `e2esec_${randomBytes(3).toString('hex')}`;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-security-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabases(
      process.env.TEST_DATABASE_URL!,
      [...SYSTEM_NAMES, 'gateway'].map((s) => `${prefix}_${s}`),
    );
  });

  it('npm start: a development issuer and token, partner keys from the command line, subgraphs closed to direct calls', async () => {
    const base = await freeBasePort();
    const url = `http://127.0.0.1:${base}/graphql`;
    const databaseUrl = new URL(process.env.TEST_DATABASE_URL!);
    databaseUrl.pathname = `/${prefix}`;
    const env = { ...NO_SUITE_SECURITY, PORT: String(base), DATA_DIR: dataDir, DATABASE_URL: databaseUrl.toString() };
    const cli = async (...args: string[]) => {
      const r = run(BIN, args, env);
      const code = await r.exited;
      if (code !== 0) throw new Error(`plantgraph ${args.join(' ')} exited ${code}:\n${r.output()}`);
      return r.stdout().trim();
    };

    const start = run(BIN, ['start'], env);
    try {
      await waitFor(start, /Authorization: Bearer \S+/, 120_000);
      const token = /Authorization: Bearer (\S+)/.exec(start.output())![1]!;

      const anonymous = await postGraphQL(url, COST, undefined, { authorization: '' });
      expect(anonymous.status).toBe(401);
      const admin = await postGraphQL(url, COST, undefined, { authorization: `Bearer ${token}` });
      expect(admin.body.errors).toBeUndefined();
      expect(typeof admin.body.data.material.standardCost).toBe('number');

      const jwks = (await (await fetch(`http://127.0.0.1:${base}/.well-known/jwks.json`)).json()) as {
        keys: { kty: string; d?: string }[];
      };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]!.d).toBeUndefined(); // the public half only

      const planner = await cli('token', '--role', 'planner');
      expect(planner.split('\n')).toHaveLength(1);
      const denied = await postGraphQL(url, COST, undefined, { authorization: `Bearer ${planner}` });
      expect(denied.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      // Writes too: a viewer's token runs no mutation; the gateway refuses it before ERP is asked.
      const viewer = await cli('token', '--role', 'viewer');
      const release = await postGraphQL(url, 'mutation { releaseWorkOrder(id: "WO000001") { id orderStatus } }', undefined, {
        authorization: `Bearer ${viewer}`,
      });
      expect(release.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Mutation.releaseWorkOrder' });

      const key = await cli('partner', 'create', '--supplier', 'V00001');
      expect(key).toMatch(/^pgk_pk_[0-9a-f]{12}_\S+$/);
      const introspection = await postGraphQL(url, '{ __schema { queryType { fields { name } } } }', undefined, { 'x-api-key': key });
      expect(introspection.status).toBe(200);
      expect(introspection.body.data.__schema.queryType.fields.map((f: any) => f.name)).not.toContain('materialSites');
      // Partner documents: the seeded manifest is there from the first start; a published one runs within seconds, a revoked one stops.
      expect(await cli('documents', 'list')).toMatch(/\tMyOpenPurchaseOrders\tquery\tpartner:supplier\t\S+\tactive/);
      const numbers = 'query MyPurchaseOrderNumbers { myPurchaseOrders(status: [OPEN]) { nodes { number } } }';
      const sha256Hash = createHash('sha256').update(numbers).digest('hex');
      const manifest = path.join(dataDir, 'manifest.json');
      writeFileSync(
        manifest,
        JSON.stringify({
          format: 'apollo-persisted-query-manifest',
          version: 1,
          operations: [{ id: sha256Hash, name: 'MyPurchaseOrderNumbers', type: 'query', body: numbers }],
        }),
      );
      const runByHash = () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash } } }),
        });
      expect((await runByHash()).status).toBe(403);
      expect(await cli('documents', 'publish', manifest, '--scope', 'partner:supplier')).toContain(`${sha256Hash}\tMyPurchaseOrderNumbers`);
      await eventually(async () => (await runByHash()).status === 200, 10_000);
      expect(await cli('documents', 'revoke', sha256Hash)).toBe(`revoked ${sha256Hash}`);
      await eventually(async () => (await runByHash()).status === 403, 10_000);
      const id = /pgk_(pk_[0-9a-f]{12})_/.exec(key)![1]!;
      expect(await cli('partner', 'list')).toContain(id);
      await cli('partner', 'revoke', id);
      expect((await postGraphQL(url, '{ __typename }', undefined, { 'x-api-key': key })).status).toBe(401);

      // The explorer page carries the development token to a browser on this machine only.
      const page = (host: string) => getWithHost(url, host);
      expect((await page(`localhost:${base}`)).body).toMatch(/"authorization":"Bearer ey/);
      expect((await page(`127.0.0.1:${base}`)).body).toMatch(/"authorization":"Bearer ey/);
      const rebound = await page(`evil.example:${base}`);
      expect(rebound.status).toBe(200);
      expect(rebound.body).not.toMatch(/Bearer/);
      // Nothing internal for strangers: no field list, no subgraph URLs, no metrics.
      expect((await fetch(`http://127.0.0.1:${base}/authority`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${base}/authority`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${base}/ready`)).json()).toEqual({ status: 'ready' });
      expect((await fetch(`http://127.0.0.1:${base}/metrics`)).status).toBe(403);

      const direct = await fetch(`http://127.0.0.1:${base + 1}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ _service { sdl } }"}',
      });
      expect(direct.status).toBe(401);
    } finally {
      start.child.kill('SIGINT');
    }
    expect(await start.exited).toBe(0);
  }, 240_000);

  it('the gateway alone refuses to start in production without an issuer', async () => {
    const gateway = run(GATEWAY, [], { ...NO_SUITE_SECURITY, NODE_ENV: 'production', PORT: '0', DATA_DIR: dataDir });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toMatch(/OIDC_ISSUER is required in production/);
    expect(gateway.output()).toMatch(/CALLER_SIGNING_KEY is required in production/);
    expect(gateway.output()).not.toMatch(/\n\s+at /);
  });

  describe('two gateway processes on one Redis', () => {
    let stack: TestStack;
    const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
    const gateways: Run[] = [];
    beforeAll(async () => {
      stack = await startTestStack([erpSystem]);
    });
    afterAll(async () => {
      for (const g of gateways) {
        g.child.kill('SIGTERM');
        await g.exited;
      }
      await stack?.stop();
    });

    it("share each caller's rate limit", async () => {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      await redis.connect(); // fails the test when the machine's Redis does not answer
      redis.disconnect();
      const file = path.join(dataDir, 'supergraph.graphql');
      writeFileSync(file, (await composeGraph([erpSystem])).files['supergraph.graphql']!);
      const urls: string[] = [];
      const opsPort = await freePortBlock([0]);
      for (let i = 0; i < 2; i++) {
        const port = await freePortBlock([0]);
        const g = run(GATEWAY, [], {
          NODE_ENV: 'production',
          PORT: String(port),
          SUPERGRAPH_PATH: file,
          ERP_URL: stack.subgraphUrls.erp,
          REDIS_URL: redisUrl,
          RATE_LIMIT_PER_MINUTE: '4',
          LOG_LEVEL: 'info',
          ...(i === 0 ? { OPS_PORT: String(opsPort), OPS_TOKEN: undefined } : {}),
        });
        gateways.push(g);
        await waitFor(g, 'gateway listening', 30_000);
        urls.push(`http://127.0.0.1:${port}/graphql`);
      }
      const caller = {
        authorization: `Bearer ${await testToken({ roles: ['planner'], subject: `replicas-${randomBytes(4).toString('hex')}` })}`,
      };
      const statuses: number[] = [];
      for (const url of [urls[0], urls[1], urls[0], urls[1], urls[0], urls[1]])
        statuses.push((await postGraphQL(url!, '{ material(id: "M000001") { id } }', undefined, caller)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);

      // The first one has an ops listener and no ops token: its metrics are there only.
      expect((await fetch(urls[0]!.replace('/graphql', '/metrics'))).status).toBe(403);
      expect(await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()).toContain('plantgraph_');
      expect(((await (await fetch(`http://127.0.0.1:${opsPort}/ready`)).json()) as any).systems.erp.ready).toBe(true);
    }, 90_000);
  });
});
