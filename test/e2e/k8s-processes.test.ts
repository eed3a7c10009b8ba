import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeGraph } from '../../cli/compose';
import { freePortBlock } from '../../platform/ports';
import { SYSTEM_NAMES } from '../../platform/systems';
import { dropDatabases, withDatabase } from '../../platform/db/database';
import { erpSystem } from '../../subgraphs/erp/server';
import { testServerUrl } from '../support/databases';
import { processEnv, startupBudgetMs, stopBudget } from '../support/manifests';
import { runNode, type NodeProcess } from '../support/processes';
import { postGraphQL, testToken } from '../support/stack';

/**
 * The gateway and a subgraph run from the build with the environment k8s/ gives their pods. Only
 * what one machine cannot have is replaced: addresses (loopback, free ports), the database server,
 * Redis and the issuer (the suite's). Settings, the signing key and the ops token are the manifests'.
 */
function onThisMachine(env: NodeJS.ProcessEnv, overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...env, HOST: '127.0.0.1', REDIS_URL: process.env.REDIS_URL || undefined, ...overrides };
}

/** Polls a probe URL until it answers 200, returning the milliseconds since `since`. */
async function untilOk(url: string, proc: NodeProcess, since: number, budgetMs: number): Promise<number> {
  for (;;) {
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return Date.now() - since;
    if (proc.child.exitCode !== null) throw new Error(`the process exited before ${url} answered 200:\n${proc.output()}`);
    if (Date.now() - since > budgetMs)
      throw new Error(`${url} did not answer 200 within the startup probe's ${budgetMs} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, as the kubelet sends it after the preStop pause; the milliseconds until the process exits, and its code. */
async function stopTimed(proc: NodeProcess): Promise<{ ms: number; code: number | null }> {
  const started = Date.now();
  const code = await proc.stop('SIGTERM');
  return { ms: Date.now() - started, code };
}

describe("the processes of k8s/ with their pods' environment", () => {
  const database = `t_${randomBytes(4).toString('hex')}_erp`;
  let dir: string;
  let erp: NodeProcess;
  let gateway: NodeProcess;
  let base: number;
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-k8s-'));
    const supergraph = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraph, (await composeGraph([erpSystem])).files['supergraph.graphql']!);
    base = await freePortBlock([0, 1, 2]);

    // The subgraph creates and migrates its own database, as in its pod.
    let since = Date.now();
    erp = runNode(
      'dist/subgraphs/erp/index.js',
      onThisMachine(processEnv('erp'), { PORT: String(base + 1), DATABASE_URL: withDatabase(testServerUrl(), database) }),
    );
    measured.erpReadyMs = await untilOk(`http://127.0.0.1:${base + 1}/ready`, erp, since, startupBudgetMs('erp'));

    const otherSystems = Object.fromEntries(SYSTEM_NAMES.filter((s) => s !== 'erp').map((s) => [`${s.toUpperCase()}_URL`, undefined]));
    since = Date.now();
    gateway = runNode(
      'dist/gateway/main.js',
      onThisMachine(processEnv('gateway'), {
        PORT: String(base),
        OPS_HOST: '127.0.0.1',
        OPS_PORT: String(base + 2),
        SUPERGRAPH_PATH: supergraph,
        ERP_URL: `http://127.0.0.1:${base + 1}/graphql`,
        ...otherSystems,
        OIDC_ISSUER: process.env.OIDC_ISSUER,
        OIDC_AUDIENCE: process.env.OIDC_AUDIENCE,
        // The partner store and the document registry are tested elsewhere; this gateway runs without its database.
        GATEWAY_DATABASE_URL: undefined,
        DATABASE_URL: undefined,
      }),
    );
    measured.gatewayReadyMs = await untilOk(`http://127.0.0.1:${base}/ready`, gateway, since, startupBudgetMs('gateway'));
  }, 150_000);

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await erp?.stop('SIGKILL');
    await dropDatabases(testServerUrl(), [database]).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`k8s processes: ${JSON.stringify(measured)}\n`);
  });

  it('answers the probes: /health and /ready on the serving port with a status only, details and /metrics on the ops port', async () => {
    for (const port of [base, base + 1]) expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${base}/ready`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const details = (await (await fetch(`http://127.0.0.1:${base + 2}/ready`)).json()) as Record<string, unknown>;
    expect(Object.keys(details).length).toBeGreaterThan(1);
    expect((await fetch(`http://127.0.0.1:${base + 2}/metrics`)).status).toBe(200);
    // The public port keeps /metrics behind the Secret's ops token.
    expect((await fetch(`http://127.0.0.1:${base}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`http://127.0.0.1:${base}/metrics`, { headers: { authorization: `Bearer ${processEnv('gateway').OPS_TOKEN}` } })).status,
    ).toBe(200);
  });

  it("serves a signed-in user through the subgraph: both sides share the Secret's signing key", async () => {
    const { status, body } = await postGraphQL(`http://127.0.0.1:${base}/graphql`, '{ material(id: "M000001") { id } }', undefined, {
      authorization: `Bearer ${await testToken({ roles: ['planner'] })}`,
    });
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    // The database is empty: the subgraph answered, with nothing found.
    expect(body.data).toEqual({ material: null });
  });

  it('stops on SIGTERM with exit code 0 within the grace period the pod leaves after its preStop pause', async () => {
    for (const [name, proc] of [
      ['gateway', gateway],
      ['erp', erp],
    ] as const) {
      const { pauseMs, graceMs } = stopBudget(name);
      const { ms, code } = await stopTimed(proc);
      measured[`${name}StopMs`] = ms;
      expect(code).toBe(0);
      expect(ms).toBeLessThan(graceMs - pauseMs);
    }
  }, 60_000);
});
