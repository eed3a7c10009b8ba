import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadQuestions, type Question } from '../questions';
import { CALLER_KEY_ENV, generateCallerKey } from '../platform/caller-header';
import { BENCH_ROLES, createBenchCallers, type BenchCallers, type Rights } from './callers';
import { defaultPartnerScopes } from '../gateway/security/partners/store';
import { postGraphql, problemOf, type GraphqlAnswer, type Variables } from './graphql-client';
import { publishPartnerQuestions } from './partner-documents';
import { buildPools, POOL_SIZE, type Pool } from './pools';
import { abHeading, abTable, parseAgainstEnv, parseEnvList, summarise, type Round } from './ab';
import {
  argument,
  BENCH_OPS_TOKEN,
  benchDatabaseUrl,
  DEPLOYED_GATEWAY_ENV,
  freeBasePort,
  requireWholeNumbers,
  ROOT,
  sampleRss,
  scrapeMetrics,
  startScript,
  stopChildren,
  waitForHttp,
  writeBenchSupergraph,
  type Child,
} from './processes';

/**
 * The benchmark: the ten questions, alone and in a mix, against this gateway and a vanilla
 * `@apollo/server` + `@apollo/gateway` on the same subgraphs and supergraph, alternating
 * A B A B in one run on one machine, and the ratio between them.
 *
 *   npm run bench -- [--scales 1,10] [--duration 10] [--connections 16] [--rounds 2] [--questions q01,q02]
 *                    [--callers 1] [--rights same|distinct] [--vary] [--partner V00001] [--env K=V,K=V]
 *                    [--against-env K=V,K=V]
 *
 * By default all load comes from one anonymous caller asking each question with its fixed
 * variables. `--callers N` makes it N authenticated users (this gateway under AUTH_MODE=jwt),
 * `--rights distinct` gives each of them a scope of its own that no rule names (so the subgraphs
 * see the same rights and fetches can be shared, but queries at the front door cannot), `--vary`
 * draws every request's variables from pools of real values: workloads where merging identical
 * requests helps less.
 * `--partner <supplier>` measures the partner question (q06) instead, asked by users of that
 * supplier through this gateway's partner contract; the vanilla gateway signs the same supplier.
 * `--against-env K=V` puts a second instance of this gateway, with those variables on top of
 * `--env`, in the vanilla gateway's place: a same-run A/B of one setting (bench/ab.ts).
 *
 * Uses DATABASE_URL's server when set (databases bench_s<scale>_<system>), else an embedded PostgreSQL.
 */

/** One key for the run: subgraphs accept only caller headers signed with it, from either gateway. */
const CALLER_KEY = process.env[CALLER_KEY_ENV] || generateCallerKey();

interface Options {
  scales: number[];
  duration: number;
  connections: number;
  rounds: number;
  questions: string[] | null;
  /** `--env K=V,K=V`: extra environment of this gateway (to measure one setting against another). */
  oursEnv: Record<string, string>;
  /** `--callers N`: users the load comes from, one per connection in turn; 1 is the anonymous caller of AUTH_MODE=none. */
  callers: number;
  /** `--rights`: whether the callers share their rights or each has its own (only with callers > 1). */
  rights: Rights;
  /** `--vary`: every request's variables drawn from a pool per question instead of the fixed ones. */
  vary: boolean;
  /** `--partner <supplier id>`: the partner questions only, asked by that supplier's users; null: the others. */
  partner: string | null;
  /** `--against-env K=V,K=V`: B is this gateway again with these variables on top of `--env`, instead of the vanilla gateway; null: vanilla. */
  againstEnv: Record<string, string> | null;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string) => argument(argv, name);
  const numbers = (raw: string | undefined, fallback: number[]) => (raw ? raw.split(',').map(Number) : fallback);
  const options: Options = {
    scales: numbers(get('scales'), [1, 10]),
    duration: Number(get('duration') ?? 10),
    connections: Number(get('connections') ?? 16),
    rounds: Number(get('rounds') ?? 2),
    questions: get('questions')?.split(',') ?? null,
    oursEnv: parseEnvList(get('env') ?? '', 'env'),
    callers: Number(get('callers') ?? 1),
    rights: (get('rights') ?? 'same') as Rights,
    vary: argv.includes('--vary'),
    partner: get('partner') ?? null,
    againstEnv: null,
  };
  options.againstEnv = parseAgainstEnv(get('against-env'), argv.includes('--against-env'), options.oursEnv);
  requireWholeNumbers({ duration: options.duration, connections: options.connections, rounds: options.rounds, callers: options.callers });
  checkLoadOptions(options);
  return options;
}

/** Refuses combinations whose figures would claim a load that was not sent. */
function checkLoadOptions(options: Options): void {
  if (options.rights !== 'same' && options.rights !== 'distinct')
    throw new Error(`--rights must be "same" or "distinct", got "${options.rights}"`);
  if (options.rights === 'distinct' && options.callers === 1)
    throw new Error('--rights distinct needs --callers > 1 (one caller has nobody to differ from)');
  // Each connection is one caller: with more callers than connections some would never ask.
  if (options.callers > options.connections)
    throw new Error(`--callers (${options.callers}) must not exceed --connections (${options.connections}): each connection is one caller`);
  if (options.partner !== null && !/^V\d{5}$/.test(options.partner))
    throw new Error(`--partner must be a supplier id like V00001, got "${options.partner}"`);
}

/** Who the vanilla gateway signs into its subgraph requests: the anonymous caller, or under `--partner` a user of that supplier. */
function vanillaCaller(options: Options): string | undefined {
  if (options.partner === null) return undefined;
  return JSON.stringify({
    subject: 'bench-partner-1',
    kind: 'user',
    roles: [],
    scopes: defaultPartnerScopes({ supplierId: options.partner }),
    supplierId: options.partner,
  });
}

/** CPU time (user + system) of a process so far, in milliseconds, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

interface Stats {
  requests: Record<string, number>;
  sql: Record<string, number>;
}
const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

/**
 * What the load generator sends besides the questions: who asks, and with which variables.
 * Built once per scale, the same for both gateways.
 */
interface Load {
  /** `authorization` header per caller; empty for the one anonymous caller of AUTH_MODE=none. */
  readonly authorizations: readonly string[];
  /** Request bodies per question id, drawn in turn (`--vary`); null: each question's fixed variables. */
  readonly bodies: ReadonlyMap<string, readonly string[]> | null;
}

/** The headers of caller 0, which checks, probes and pool queries go with. */
function firstCallerHeaders(load: Pick<Load, 'authorizations'>): Record<string, string> {
  const authorization = load.authorizations[0];
  return authorization ? { authorization } : {};
}

/** One question asked outside the load, as caller 0 (so that this gateway under AUTH_MODE=jwt accepts it). */
function graphql(url: string, q: Question, load: Pick<Load, 'authorizations'>, variables: Variables = q.variables): Promise<GraphqlAnswer> {
  return postGraphql(url, q.document, variables, firstCallerHeaders(load));
}

const bodyOf = (q: Question, variables: Variables) => JSON.stringify({ query: q.document, variables });

/**
 * Hands out each question's pooled bodies in turn, one counter per question shared by all
 * connections: concurrent requests get consecutive, hence different, variables. Made afresh per
 * round, so both gateways get the same sequence.
 */
function poolDrawer(bodies: ReadonlyMap<string, readonly string[]>): (id: string) => string {
  const next = new Map<string, number>();
  return (id) => {
    const pool = bodies.get(id)!;
    const i = next.get(id) ?? 0;
    next.set(id, i + 1);
    return pool[i % pool.length]!;
  };
}

/** autocannon's request list for one connection: its caller's header, and a fresh body per request under --vary. */
function requestsOf(
  questions: Question[],
  authorization: string | undefined,
  draw: ((id: string) => string) | null,
  onResponse: OnResponse,
): autocannon.Request[] {
  return questions.map((q) => ({
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    // Under --vary, setupRequest replaces this body every time autocannon builds the request, the first time included.
    body: bodyOf(q, q.variables),
    ...(draw ? { setupRequest: (request: autocannon.Request) => ({ ...request, body: draw(q.id) }) } : {}),
    onResponse,
  }));
}

/** What autocannon hands each response to: status, body, the connection's context, headers. */
type OnResponse = (status: number, body: string, context: object, headers: autocannon.Request['headers']) => void;

// This gateway's `Server-Timing` header: its own time per request, in ms.
const OWN_TIME = /gateway;desc="own time";dur=([\d.]+)/;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Measurement {
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  cpuMsPerRequest: number;
  /** CPU time of the subgraphs' process per request (all six subgraphs run in it). */
  subgraphCpuMsPerRequest: number;
  fetchesPerRequest: number;
  sqlPerRequest: number;
  /** Mean time per request the gateway waited on subgraphs, as it records it (ours only). */
  waitMsPerRequest: number | null;
  /** Mean time per request the gateway spent on its own work: its request time minus that wait (ours only). */
  overheadMsPerRequest: number | null;
  /** Median of the gateway's own time over the responses, from each one's `Server-Timing` header (ours only). */
  overheadP50Ms: number | null;
  /** The gateway process's resident memory during the round (VmRSS from /proc, sampled every 250 ms): mean, MiB. */
  rssMeanMiB: number;
  /** The largest of those samples, MiB. */
  rssPeakMiB: number;
  /**
   * Where that memory is, as the gateway reports it at the end of the round (ours only): V8's heap
   * in use and reserved, and memory outside the heap (buffers), MiB.
   */
  heap: { usedMiB: number; totalMiB: number; externalMiB: number } | null;
}

/** Sums and counts of the gateway's wait/overhead histograms, read from its `/metrics`. */
async function gatewayTimes(metricsUrl: string | undefined): Promise<{
  wait: number;
  overhead: number;
  count: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
} | null> {
  if (!metricsUrl) return null;
  const text = await scrapeMetrics(metricsUrl);
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const mib = (name: string) => value(name) / (1024 * 1024);
  return {
    wait: value('plantgraph_gateway_subgraph_wait_seconds_sum'),
    overhead: value('plantgraph_gateway_overhead_seconds_sum'),
    count: value('plantgraph_gateway_overhead_seconds_count'),
    heapUsedMiB: mib('plantgraph_process_nodejs_heap_size_used_bytes'),
    heapTotalMiB: mib('plantgraph_process_nodejs_heap_size_total_bytes'),
    externalMiB: mib('plantgraph_process_nodejs_external_memory_bytes'),
  };
}

/**
 * Waits until the subgraphs are idle: requests a load generator gave up on at the end of the last
 * round may still be running in a gateway, and would be counted against the next one.
 */
async function settle(statsUrl: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const now = sum(((await (await fetch(statsUrl)).json()) as Stats).requests);
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function measure(
  target: { url: string; pid: number; metricsUrl?: string },
  subgraphs: { statsUrl: string; pid: number },
  bodies: Question[],
  options: Options,
  load: Load,
): Promise<Measurement> {
  const { statsUrl } = subgraphs;
  await settle(statsUrl);
  const before = (await (await fetch(statsUrl)).json()) as Stats;
  const timesBefore = await gatewayTimes(target.metricsUrl);
  const cpuBefore = cpuMs(target.pid);
  const subgraphCpuBefore = cpuMs(subgraphs.pid);
  // A gateway may answer 200 with errors (a subgraph timed out, a breaker is open): such answers
  // are counted as errors, not as throughput.
  let graphqlErrors = 0;
  const ownTimes: number[] = [];
  const onResponse: OnResponse = (status, body, _context, headers) => {
    if (status === 200 && body.includes('"errors":')) graphqlErrors += 1;
    const timing = headers?.['server-timing'];
    const own = typeof timing === 'string' ? OWN_TIME.exec(timing) : null;
    if (own) ownTimes.push(Number(own[1]));
  };
  const draw = load.bodies ? poolDrawer(load.bodies) : null;
  const rss = sampleRss(target.pid);
  // Connection i is caller i mod N, its header set once when autocannon sets the connection up.
  // (A request's `context` would not do: autocannon resets it each time a connection starts
  // over at the first request of the list.)
  let connection = 0;
  const result = await autocannon({
    url: target.url,
    connections: options.connections,
    duration: options.duration,
    requests: requestsOf(bodies, load.authorizations[0], draw, onResponse),
    ...(load.authorizations.length
      ? {
          setupClient: (client: autocannon.Client) =>
            client.setRequests(requestsOf(bodies, load.authorizations[connection++ % load.authorizations.length], draw, onResponse)),
        }
      : {}),
  });
  const memory = rss.stop();
  const cpuAfter = cpuMs(target.pid);
  const subgraphCpuAfter = cpuMs(subgraphs.pid);
  const after = (await (await fetch(statsUrl)).json()) as Stats;
  const timesAfter = await gatewayTimes(target.metricsUrl);
  const done = result.requests.total || 1;
  const answered = timesBefore && timesAfter ? timesAfter.count - timesBefore.count || 1 : 1;
  return {
    requests: result.requests.total,
    throughput: (result.requests.total - graphqlErrors - result.non2xx) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + graphqlErrors,
    cpuMsPerRequest: (cpuAfter - cpuBefore) / done,
    subgraphCpuMsPerRequest: (subgraphCpuAfter - subgraphCpuBefore) / done,
    fetchesPerRequest: (sum(after.requests) - sum(before.requests)) / done,
    sqlPerRequest: (sum(after.sql) - sum(before.sql)) / done,
    waitMsPerRequest: timesBefore && timesAfter ? ((timesAfter.wait - timesBefore.wait) * 1000) / answered : null,
    overheadMsPerRequest: timesBefore && timesAfter ? ((timesAfter.overhead - timesBefore.overhead) * 1000) / answered : null,
    overheadP50Ms: median(ownTimes),
    rssMeanMiB: memory.meanMiB,
    rssPeakMiB: memory.peakMiB,
    heap: timesAfter ? { usedMiB: timesAfter.heapUsedMiB, totalMiB: timesAfter.heapTotalMiB, externalMiB: timesAfter.externalMiB } : null,
  };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function combine(ms: Measurement[]): Measurement {
  return {
    requests: ms.reduce((a, m) => a + m.requests, 0),
    throughput: mean(ms.map((m) => m.throughput)),
    p50: mean(ms.map((m) => m.p50)),
    p99: mean(ms.map((m) => m.p99)),
    errors: ms.reduce((a, m) => a + m.errors, 0),
    cpuMsPerRequest: mean(ms.map((m) => m.cpuMsPerRequest)),
    subgraphCpuMsPerRequest: mean(ms.map((m) => m.subgraphCpuMsPerRequest)),
    fetchesPerRequest: mean(ms.map((m) => m.fetchesPerRequest)),
    sqlPerRequest: mean(ms.map((m) => m.sqlPerRequest)),
    waitMsPerRequest: ms[0]!.waitMsPerRequest === null ? null : mean(ms.map((m) => m.waitMsPerRequest!)),
    overheadMsPerRequest: ms[0]!.overheadMsPerRequest === null ? null : mean(ms.map((m) => m.overheadMsPerRequest!)),
    overheadP50Ms: ms.some((m) => m.overheadP50Ms === null) ? null : mean(ms.map((m) => m.overheadP50Ms!)),
    rssMeanMiB: mean(ms.map((m) => m.rssMeanMiB)),
    rssPeakMiB: Math.max(...ms.map((m) => m.rssPeakMiB)),
    // The last round's: memory that stays is what the next workload starts from.
    heap: ms[ms.length - 1]!.heap,
  };
}

interface Row {
  scale: number;
  workload: string;
  ours: Measurement;
  vanilla: Measurement;
  ratio: number;
  /** Subgraph fetches and SQL statements of one request sent alone to each gateway (no load, nothing merged). */
  alone: { ours: Probe; vanilla: Probe };
  /** Each round's figures, in the order measured (the A/B reports their spread). */
  rounds: Round[];
}

interface Probe {
  fetches: number;
  sql: number;
}

/** Sends one request alone and counts the subgraph fetches and SQL statements it cost. */
async function probe(url: string, statsUrl: string, q: Question, load: Pick<Load, 'authorizations'>): Promise<Probe> {
  await settle(statsUrl);
  const before = (await (await fetch(statsUrl)).json()) as Stats;
  await graphql(url, q, load);
  const after = (await (await fetch(statsUrl)).json()) as Stats;
  return { fetches: sum(after.requests) - sum(before.requests), sql: sum(after.sql) - sum(before.sql) };
}

const meanProbe = (ps: Probe[]): Probe => ({ fetches: mean(ps.map((p) => p.fetches)), sql: mean(ps.map((p) => p.sql)) });

const fmt = (n: number, digits = 1) => n.toFixed(digits);

function table(rows: Row[]): string {
  const header =
    '| scale | workload | ours req/s | vanilla req/s | ratio | ours p50/p99 ms | vanilla p50/p99 ms | alone: fetches, SQL ours / vanilla | under load: fetches/req ours/vanilla | under load: SQL/req ours/vanilla | ours CPU ms/req | vanilla CPU ms/req | subgraphs CPU ms/req ours/vanilla | ours wait / overhead ms/req (means) | ours overhead p50 ms | overhead p50 % of p50 | gateway RSS MiB mean/peak ours / vanilla | ours heap used/total, external MiB | errors ours/vanilla |';
  const lines = rows.map((r) => {
    const overhead = r.ours.overheadMsPerRequest;
    const ownP50 = r.ours.overheadP50Ms;
    const share = ownP50 !== null && r.ours.p50 > 0 ? `${fmt((100 * ownP50) / r.ours.p50)} %` : 'n/a';
    return `| ${r.scale} | ${r.workload} | ${fmt(r.ours.throughput)} | ${fmt(r.vanilla.throughput)} | ${fmt(r.ratio, 2)}× | ${fmt(r.ours.p50)}/${fmt(r.ours.p99)} | ${fmt(r.vanilla.p50)}/${fmt(r.vanilla.p99)} | ${fmt(r.alone.ours.fetches)}, ${fmt(r.alone.ours.sql)} / ${fmt(r.alone.vanilla.fetches)}, ${fmt(r.alone.vanilla.sql)} | ${fmt(r.ours.fetchesPerRequest, 2)}/${fmt(r.vanilla.fetchesPerRequest, 2)} | ${fmt(r.ours.sqlPerRequest, 2)}/${fmt(r.vanilla.sqlPerRequest, 2)} | ${fmt(r.ours.cpuMsPerRequest, 2)} | ${fmt(r.vanilla.cpuMsPerRequest, 2)} | ${fmt(r.ours.subgraphCpuMsPerRequest, 2)}/${fmt(r.vanilla.subgraphCpuMsPerRequest, 2)} | ${r.ours.waitMsPerRequest === null ? 'n/a' : fmt(r.ours.waitMsPerRequest)} / ${overhead === null ? 'n/a' : fmt(overhead)} | ${ownP50 === null ? 'n/a' : fmt(ownP50, 2)} | ${share} | ${fmt(r.ours.rssMeanMiB, 0)}/${fmt(r.ours.rssPeakMiB, 0)} / ${fmt(r.vanilla.rssMeanMiB, 0)}/${fmt(r.vanilla.rssPeakMiB, 0)} | ${r.ours.heap ? `${fmt(r.ours.heap.usedMiB, 0)}/${fmt(r.ours.heap.totalMiB, 0)}, ${fmt(r.ours.heap.externalMiB, 0)}` : 'n/a'} | ${r.ours.errors}/${r.vanilla.errors} |`;
  });
  return [header, '|' + '---|'.repeat(19), ...lines].join('\n');
}

/** The environment of this gateway beyond `--env`: authentication as the load mode asks. */
function oursAuthEnv(authEnv: Readonly<Record<string, string>> | null): Record<string, string> {
  // The one anonymous caller of the default mode needs no tokens; several callers must be told apart.
  return authEnv ? { ...authEnv } : { AUTH_MODE: 'none' };
}

/** Fails the run unless this gateway refuses a request without a token: the callers would be measured as anonymous otherwise. */
async function assertAuthenticates(url: string, q: Question): Promise<void> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOf(q, q.variables) });
  await r.text();
  if (r.status !== 401)
    throw new Error(`this gateway answered ${r.status} to a request without a token; --callers needs it to authenticate (AUTH_MODE=jwt)`);
  process.stderr.write(`   this gateway refuses a request without a token (401): callers are authenticated\n`);
}

/** The questions both gateways answer without errors (with the fixed variables); the others are reported and skipped. */
async function answerable(
  urls: { ours: string; vanilla: string },
  options: Options,
  load: Pick<Load, 'authorizations'>,
): Promise<Question[]> {
  const runnable: Question[] = [];
  for (const q of loadQuestions()) {
    if (options.questions && !options.questions.includes(q.id)) continue;
    if (q.partner !== (options.partner !== null)) {
      if (!options.questions || options.questions.includes(q.id))
        process.stderr.write(
          `   skip ${q.id} ${q.name}: ${q.partner ? 'a partner question (measured with --partner <supplier>)' : 'not a partner question (--partner measures only those)'}\n`,
        );
      continue;
    }
    const [a, b] = await Promise.all([graphql(urls.ours, q, load), graphql(urls.vanilla, q, load)]);
    const problem = problemOf(a) ?? problemOf(b);
    if (problem) process.stderr.write(`   skip ${q.id} ${q.name}: ${problem}\n`);
    else runnable.push(q);
  }
  return runnable;
}

/**
 * `--vary`: the pools of the runnable questions, probed through both gateways; a question whose
 * pool ends up empty is skipped like one that cannot be answered. Returns the bodies per question
 * and the questions left.
 */
async function varyBodies(
  runnable: Question[],
  scale: number,
  urls: { ours: string; vanilla: string },
  load: Pick<Load, 'authorizations'>,
): Promise<{ bodies: Map<string, string[]>; runnable: Question[]; sizes: Record<string, number> }> {
  const headers = firstCallerHeaders(load);
  const through = (url: string) => (document: string, variables: Variables) => postGraphql(url, document, variables, headers);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`   building --vary pools (up to ${POOL_SIZE} values per question), probing each value through both gateways`);
  const started = Date.now();
  const pools = await buildPools(runnable, scale, through(urls.ours), [through(urls.ours), through(urls.vanilla)], log);
  log(`   pools built and probed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const bodies = new Map<string, string[]>();
  const sizes: Record<string, number> = {};
  for (const q of runnable) {
    const pool: Pool = pools.get(q.id)!;
    sizes[q.id] = pool.variables.length;
    const dropped = pool.candidates - pool.variables.length;
    log(
      `   ${q.id} ${q.name}: ${pool.variables.length} of ${pool.candidates} values${dropped ? ` (${dropped} dropped, e.g. ${pool.firstProblem})` : ''}`,
    );
    if (pool.variables.length)
      bodies.set(
        q.id,
        pool.variables.map((v) => bodyOf(q, v)),
      );
    else log(`   skip ${q.id} ${q.name}: no value of its pool is answered without errors by both gateways`);
  }
  return { bodies, runnable: runnable.filter((q) => bodies.has(q.id)), sizes };
}

interface ScaleResult {
  rows: Row[];
  /** `--vary`: values per question's pool at this scale; null with the fixed variables. */
  pools: Record<string, number> | null;
}

async function benchScale(scale: number, options: Options, callers: BenchCallers | null): Promise<ScaleResult> {
  const base = await freeBasePort();
  const databaseUrl = benchDatabaseUrl(scale);
  const start = (script: string, env: Record<string, string | undefined>, ready: string | null) =>
    startScript(script, { [CALLER_KEY_ENV]: CALLER_KEY, ...env }, ready, { echo: script.includes('subgraphs-process') });
  process.stderr.write(
    `\n== scale ${scale}: subgraphs on ${base + 1}…, ${databaseUrl ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL'}; load: ${describeLoad(options)}\n`,
  );
  const children: Child[] = [];
  try {
    // Production mode, as the gateways and as the Dockerfile runs every process (graphql-js checks more outside it).
    const subgraphs = await start(
      'bench/subgraphs-process.js',
      { BENCH_BASE_PORT: String(base), BENCH_SCALE: String(scale), BENCH_DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
      'subgraphs ready',
    );
    children.push(subgraphs);

    // The same supergraph for both gateways, pointing at this run's subgraphs.
    const supergraphPath = writeBenchSupergraph(base, 'supergraph');

    const oursPort = base + 20;
    const vanillaPort = base + 21;
    const oursEnv = {
      PORT: String(oursPort),
      SUPERGRAPH_PATH: supergraphPath,
      ...oursAuthEnv(callers?.gatewayEnv ?? null),
      NODE_ENV: 'production',
      // The per-caller limit (600/min by default) would measure the limiter, not the gateway: the
      // load of one caller, or of each of --callers, is far above it. It still runs on every request.
      RATE_LIMIT_PER_MINUTE: '100000000',
      OPS_TOKEN: BENCH_OPS_TOKEN,
      // The vanilla gateway waits on a subgraph without limit; on a loaded machine the default 3 s
      // would turn slow answers into fast SUBGRAPH_UNAVAILABLE ones and flatter the figures.
      SUBGRAPH_TIMEOUT_MS: '60000',
      ...DEPLOYED_GATEWAY_ENV,
      ...options.oursEnv,
    };
    if (options.partner !== null) await publishPartnerQuestions(process.env.DATABASE_URL);
    const ours = await start('gateway/main.js', oursEnv, null);
    children.push(ours);
    await waitForHttp(`http://127.0.0.1:${oursPort}/health`);
    let vanilla: Child;
    if (options.againstEnv) {
      // Started once A is up, so the two do not run the gateway database's migrations at once.
      vanilla = await start('gateway/main.js', { ...oursEnv, PORT: String(vanillaPort), ...options.againstEnv }, null);
      children.push(vanilla);
      await waitForHttp(`http://127.0.0.1:${vanillaPort}/health`);
    } else {
      // The vanilla gateway has no authentication: it gets the callers' headers and ignores them.
      vanilla = await start(
        'bench/vanilla-gateway.js',
        { PORT: String(vanillaPort), SUPERGRAPH_PATH: supergraphPath, NODE_ENV: 'production', BENCH_CALLER: vanillaCaller(options) },
        'listening',
      );
      children.push(vanilla);
    }
    const targets = {
      ours: { url: `http://127.0.0.1:${oursPort}/graphql`, pid: ours.process.pid!, metricsUrl: `http://127.0.0.1:${oursPort}/metrics` },
      vanilla: {
        url: `http://127.0.0.1:${vanillaPort}/graphql`,
        pid: vanilla.process.pid!,
        ...(options.againstEnv ? { metricsUrl: `http://127.0.0.1:${vanillaPort}/metrics` } : {}),
      },
    };
    const urls = { ours: targets.ours.url, vanilla: targets.vanilla.url };
    const statsUrl = `http://127.0.0.1:${base + 9}/`;
    const subgraphsTarget = { statsUrl, pid: subgraphs.process.pid! };
    const callerLoad = { authorizations: callers?.authorizations ?? [] };

    let runnable = await answerable(urls, options, callerLoad);
    if (runnable.length === 0) throw new Error('no question can be answered by this graph yet');
    if (callers) await assertAuthenticates(urls.ours, runnable[0]!);
    let load: Load = { ...callerLoad, bodies: null };
    let pools: Record<string, number> | null = null;
    if (options.vary) {
      const varied = await varyBodies(runnable, scale, urls, callerLoad);
      runnable = varied.runnable;
      if (runnable.length === 0) throw new Error('no question has a --vary pool both gateways answer');
      load = { ...callerLoad, bodies: varied.bodies };
      pools = varied.sizes;
    }

    // The alone probe keeps the fixed variables: it is the cost of one known request.
    const alone = new Map<string, { ours: Probe; vanilla: Probe }>();
    for (const q of runnable)
      alone.set(q.id, {
        ours: await probe(targets.ours.url, statsUrl, q, load),
        vanilla: await probe(targets.vanilla.url, statsUrl, q, load),
      });

    process.stderr.write(`   warming up both gateways\n`);
    await measure(targets.ours, subgraphsTarget, runnable, { ...options, duration: 3 }, load);
    await measure(targets.vanilla, subgraphsTarget, runnable, { ...options, duration: 3 }, load);

    const rows: Row[] = [];
    const workloads: [string, Question[]][] = [
      ...runnable.map((q) => [`${q.id} ${q.name}`, [q]] as [string, Question[]]),
      ['mix', runnable],
    ];
    for (const [name, bodies] of workloads) {
      const samples: { ours: Measurement[]; vanilla: Measurement[] } = { ours: [], vanilla: [] };
      for (let round = 0; round < options.rounds; round++) {
        // An A/B swaps the order every other round (A B, B A, …): with A always first, the side
        // measured first came out slower whichever setting it had.
        if (options.againstEnv && round % 2 === 1) {
          const b = await measure(targets.vanilla, subgraphsTarget, bodies, options, load);
          samples.ours.push(await measure(targets.ours, subgraphsTarget, bodies, options, load));
          samples.vanilla.push(b);
          continue;
        }
        samples.ours.push(await measure(targets.ours, subgraphsTarget, bodies, options, load));
        samples.vanilla.push(await measure(targets.vanilla, subgraphsTarget, bodies, options, load));
      }
      const probes = bodies.map((q) => alone.get(q.id)!);
      const row: Row = {
        scale,
        workload: name,
        ours: combine(samples.ours),
        vanilla: combine(samples.vanilla),
        ratio: 0,
        alone: { ours: meanProbe(probes.map((p) => p.ours)), vanilla: meanProbe(probes.map((p) => p.vanilla)) },
        rounds: samples.ours.map((a, i) => ({ a, b: samples.vanilla[i]! })),
      };
      row.ratio = row.ours.throughput / row.vanilla.throughput;
      rows.push(row);
      if (options.againstEnv) {
        const ab = summarise(row.rounds);
        process.stderr.write(
          `   ${name}: A ${fmt(ab.a.throughput)} req/s, B ${fmt(ab.b.throughput)} req/s (medians), ratio A/B median ${fmt(ab.medianRatio, 3)} (rounds ${ab.ratios.map((x) => fmt(x, 3)).join(', ')})\n`,
        );
      } else
        process.stderr.write(
          `   ${name}: ours ${fmt(row.ours.throughput)} req/s, vanilla ${fmt(row.vanilla.throughput)} req/s, ratio ${fmt(row.ratio, 2)}×\n`,
        );
    }
    return { rows, pools };
  } finally {
    await stopChildren(children);
  }
}

/** Who the load comes from and what it asks, in words, for the log and the report's header. */
function describeLoad(options: Options): string {
  const what = options.vary
    ? `variables drawn in turn per request from pools of up to ${POOL_SIZE} real values per question (--vary)`
    : 'the fixed variables of questions/index.ts';
  return `${describeCallers(options)}; ${what}`;
}

function describeCallers(options: Options): string {
  if (options.partner !== null) {
    const users = `${options.callers} user${options.callers > 1 ? 's' : ''} of supplier ${options.partner}`;
    const rights = options.rights === 'distinct' ? 'rights distinct: a scope of its own each' : 'rights same';
    return `${users} with tokens of their own (scopes ${defaultPartnerScopes({ supplierId: options.partner }).join(', ')}, claim supplier_id; this gateway with AUTH_MODE=jwt, serving them its partner contract), the vanilla gateway signing the same supplier; ${rights}`;
  }
  if (options.callers === 1) return 'one anonymous caller (this gateway with AUTH_MODE=none)';
  const rights =
    options.rights === 'distinct'
      ? `rights distinct: roles ${BENCH_ROLES.join(', ')} and a scope of its own each that no rule names, so the subgraphs see the same rights and fetches can be shared`
      : `rights same: roles ${BENCH_ROLES.join(', ')} for all`;
  return `${options.callers} callers with tokens of their own (this gateway with AUTH_MODE=jwt), connection i being caller i mod ${options.callers}; ${rights}`;
}

/** The pool sizes per scale, for the report's header. */
function describePools(pools: Map<number, Record<string, number>>): string {
  return [...pools]
    .map(
      ([scale, sizes]) =>
        `scale ${scale}: ${Object.entries(sizes)
          .map(([id, n]) => `${id} ${n}`)
          .join(', ')}`,
    )
    .join('; ');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const callers =
    options.callers > 1 || options.partner !== null ? await createBenchCallers(options.callers, options.rights, options.partner) : null;
  const rows: Row[] = [];
  const pools = new Map<number, Record<string, number>>();
  try {
    for (const scale of options.scales) {
      const result = await benchScale(scale, options, callers);
      rows.push(...result.rows);
      if (result.pools) pools.set(scale, result.pools);
    }
  } finally {
    callers?.dispose();
  }
  const poolLine = pools.size ? `\nvalues per --vary pool (questions without variables have one): ${describePools(pools)}.` : '';
  const markdown = options.againstEnv
    ? `# Benchmark ${new Date().toISOString()}: A/B\n\n${options.connections} connections, ${options.duration} s per round, ${options.rounds} rounds per workload, A B then B A in turn.\n${abHeading(options.oursEnv, options.againstEnv)}\nload (callers ${options.callers}, rights ${options.rights}, vary ${options.vary ? 'on' : 'off'}): ${describeLoad(options)}.${poolLine}\n\n${abTable(rows)}\n`
    : `# Benchmark ${new Date().toISOString()}\n\n${options.connections} connections, ${options.duration} s per round, ${options.rounds} rounds A B A B per workload; ratio = ours / vanilla throughput${
        Object.keys(options.oursEnv).length
          ? `; this gateway with ${Object.entries(options.oursEnv)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`
          : ''
      }.\nload (callers ${options.callers}, rights ${options.rights}, vary ${options.vary ? 'on' : 'off'}): ${describeLoad(options)}.${poolLine}\nwait = time the gateway had a subgraph fetch in flight; overhead = the gateway's own time per operation (Apollo request pipeline start to response, minus wait; HTTP parsing and queueing on a busy event loop are not in it): the mean per request from its /metrics, and the median over the responses from each one's Server-Timing header, as a share of the p50 latency the load generator saw.\nalone = one request sent by itself to each gateway, with the fixed variables; under load = per completed request during the rounds (requests still in flight when a round ends add fetches but not completions, so slow gateways are overstated).\ngateway RSS = each gateway process's resident memory (VmRSS from /proc) sampled every 250 ms while the load ran: the mean over the rounds of each round's mean, and the largest sample of any round; ours heap = V8's heap in use and reserved, and memory outside it, from its /metrics at the end of the last round.\n\n${table(rows)}\n`;
  process.stdout.write(`\n${markdown}`);
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  // In an A/B, "ours" and "vanilla" would misname two instances of this gateway.
  const saved = options.againstEnv
    ? rows.map((r) => ({
        scale: r.scale,
        workload: r.workload,
        summary: summarise(r.rounds),
        a: r.ours,
        b: r.vanilla,
        alone: { a: r.alone.ours, b: r.alone.vanilla },
        rounds: r.rounds,
      }))
    : rows;
  writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify({ options, pools: Object.fromEntries(pools), rows: saved }, null, 2));
  writeFileSync(path.join(dir, `${stamp}.md`), markdown);
  process.stdout.write(`\nsaved bench/results/${stamp}.json and .md\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
