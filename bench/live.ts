import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Redis from 'ioredis';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  argument,
  BENCH_OPS_TOKEN,
  benchDatabaseUrl,
  freeBasePort,
  requireWholeNumbers,
  ROOT,
  rssMiB,
  scrapeMetrics,
  startBenchGateway,
  startBenchSubgraphs,
  stopChildren,
  writeBenchSupergraph,
  type Child,
} from './processes';
import { ids, scalePlan } from '../subgraphs/kit/seed/world';

/**
 * The live benchmark: N WebSocket subscribers to `workCenterStateChanged` spread over one, then
 * two gateway replicas sharing Redis, while work centers change at a fixed rate through the
 * graph. It reports events delivered per second, the latency from each change (its
 * `stateChangedAt`, written in the change's transaction) to its arrival at a subscriber (p50,
 * p99), and the gateways' memory per idle subscriber.
 *
 *   npm run bench:live -- [--subscribers 2000] [--rate 50] [--duration 20] [--sites 1] [--client-threads 2]
 *
 * `--sites N` spreads the subscribers evenly over N sites (as a plant's screens follow their own
 * site) and the changes over the same sites, so each change reaches subscribers/N of them. The
 * default, 1, is the worst case: every change reaches every subscriber. More than one site needs
 * a larger seed world (scale 10 has 4 sites, scale 100 has 40), chosen from the site count.
 *
 * The subscribers are graphql-ws clients, as Apollo Client's `GraphQLWsLink` uses, spread over
 * `--client-threads` worker threads: thousands of clients reading one event each would otherwise
 * queue behind one another in one event loop and be counted as the gateway's latency.
 *
 * Needs Redis (REDIS_URL, else redis://127.0.0.1:6379). Uses DATABASE_URL's server when set, else an embedded PostgreSQL.
 */

interface Options {
  subscribers: number;
  /** Changes per second. */
  rate: number;
  /** Seconds of changes. */
  duration: number;
  /** Sites the subscribers and the changes are spread over. */
  sites: number;
  /** Worker threads the subscribers' clients run on. */
  clientThreads: number;
}

interface Run {
  replicas: number;
  subscribers: number;
  changes: number;
  sites: number;
  delivered: number;
  expected: number;
  eventsPerSecond: number;
  /** Deliveries the changes call for per second: each change times the subscribers of its site. */
  expectedPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  memory: { heapPerSubscriberKiB: number; rssPerSubscriberKiB: number; heapBeforeMiB: number; heapAfterMiB: number };
  refusedOrClosed: number;
  /** Why subscriptions ended early: a WebSocket close code and reason, or an error code. */
  endedBy: Record<string, number>;
  /** Answers that carried errors, by the first error's code and reason (a system that did not answer in time, for one). */
  answeredWith: Record<string, number>;
  /** What the gateways counted: events received, executions run, answers replaced by newer ones before they were sent. */
  gateway: { eventsReceived: number; executions: number; superseded: number };
  /** Client connections made again after a reset or a drop (not a close the gateway chose). */
  reconnects: number;
  /** Changes whose mutation answered with an error, by code. */
  changesFailed: Record<string, number>;
  /** The gateways' event-loop delay while the changes went (the worst of per-second samples of each gateway's p99 and max). */
  loopDelayMs: { p99: number; max: number };
  /** CPU seconds each side used from the first change to the last answer: who was busy. */
  cpu: { wallSeconds: number; gatewaysSeconds: number; subgraphsSeconds: number; clientsSeconds: number };
}

/** One subscriber of a client thread: the gateway it connects to and the site it follows. */
interface Assignment {
  url: string;
  site: string;
}

interface ClientsData {
  assignments: Assignment[];
  /** Connections a thread opens before it waits 100 ms. */
  batch: number;
}

/** What a client thread has counted: progress while the run goes, its report when told to finish. */
interface ClientsProgress {
  type: 'progress';
  /** Subscriptions that ended, by reason (the gateway refused or closed them). */
  endedBy: Record<string, number>;
  /** Every answer, with or without the change's fields (a system that did not answer in time leaves them null). */
  arrived: number;
  lastArrival: number;
}
interface ClientsReport {
  type: 'report';
  /** Connections made again after the machine reset or dropped them. */
  reconnects: number;
  arrived: number;
  lastArrival: number;
  /** Answers that carried the change's fields. */
  delivered: number;
  /** Milliseconds from each delivered change's commit to its arrival. */
  latencies: Float64Array;
  ended: number;
  endedBy: Record<string, number>;
  answeredWith: Record<string, number>;
}
type FromClients = ClientsProgress | ClientsReport;
type ToClients = { type: 'finish' };

const SUBSCRIPTION = 'subscription ($site: ID!) { workCenterStateChanged(siteId: $site) { id state stateReasonCode stateChangedAt } }';

/** The seed scales the benchmarks use; the smallest with enough sites is seeded for a spread run. */
const SCALES = [1, 10, 100];

function scaleFor(sites: number): number {
  const scale = SCALES.find((s) => scalePlan(s).sites >= sites);
  if (scale === undefined)
    throw new Error(`--sites ${sites}: the largest seed world (scale ${SCALES.at(-1)}) has ${scalePlan(SCALES.at(-1)!).sites} sites`);
  return scale;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string) => argument(argv, name);
  const options = {
    subscribers: Number(get('subscribers') ?? 2000),
    rate: Number(get('rate') ?? 50),
    duration: Number(get('duration') ?? 20),
    sites: Number(get('sites') ?? 1),
    clientThreads: Number(get('client-threads') ?? 2),
  };
  requireWholeNumbers({ ...options });
  return options;
}

/** CPU time a process has used so far, in seconds (user and system, from /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

function valueIn(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(' ').pop() ?? 0);
}

async function metric(url: string, name: string): Promise<number> {
  return valueIn(await scrapeMetrics(url), name);
}

const percentile = (sorted: ArrayLike<number>, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(
  options: Options,
  replicas: number,
  base: number,
  env: Record<string, string | undefined>,
  supergraphPath: string,
  subgraphsPid: number,
): Promise<Run> {
  const children: Child[] = [];
  const workers: Worker[] = [];
  try {
    const gateways: { url: string; metrics: string; child: Child }[] = [];
    for (let i = 0; i < replicas; i++) {
      const port = base + 20 + i;
      const child = await startBenchGateway(port, { ...env, SUPERGRAPH_PATH: supergraphPath });
      children.push(child);
      gateways.push({ url: `http://127.0.0.1:${port}/graphql`, metrics: `http://127.0.0.1:${port}/metrics`, child });
    }
    const heap = async () => {
      let total = 0;
      for (const g of gateways) total += await metric(g.metrics, 'plantgraph_process_nodejs_heap_size_used_bytes');
      return total;
    };
    const rss = () => gateways.reduce((sum, g) => sum + (rssMiB(g.child.process.pid!) ?? NaN) * 1024 * 1024, 0);
    // Warm each gateway (plans, pools) before the baseline.
    for (const g of gateways)
      await fetch(g.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ workCenters(siteId: "S01") { id } }' }),
      });
    await sleep(1_000);
    const heapBefore = await heap();
    const rssBefore = rss();

    const siteIds = Array.from({ length: options.sites }, (_, i) => ids.site(i + 1));
    // Every replica serves every site: subscriber i goes to replica i mod R and to site (i div R) mod N,
    // and its client runs on thread i mod T.
    const subscribersOf = new Map<string, number>(siteIds.map((id) => [id, 0]));
    const threads = Math.min(options.clientThreads, options.subscribers);
    const assignments: Assignment[][] = Array.from({ length: threads }, () => []);
    for (let i = 0; i < options.subscribers; i++) {
      const gateway = gateways[i % gateways.length]!;
      const site = siteIds[Math.floor(i / gateways.length) % siteIds.length]!;
      subscribersOf.set(site, subscribersOf.get(site)! + 1);
      assignments[i % threads]!.push({ url: gateway.url.replace('http:', 'ws:'), site });
    }
    // Connections are opened in batches, as screens come up, not in one burst: 200 every 100 ms in all.
    const batch = Math.max(1, Math.ceil(200 / threads));
    const progress: Omit<ClientsProgress, 'type'>[] = assignments.map(() => ({ arrived: 0, lastArrival: 0, endedBy: {} }));
    const reports = assignments.map((mine, k) => {
      const worker = new Worker(__filename, { workerData: { assignments: mine, batch } satisfies ClientsData });
      workers.push(worker);
      return new Promise<ClientsReport>((resolve, reject) => {
        worker.on('message', (message: FromClients) => {
          if (message.type === 'progress') progress[k] = message;
          else resolve(message);
        });
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`client thread ${k} exited (${code}) before its report`)));
      });
    });
    // A thread that fails stops the run at once rather than at the end.
    const failed = Promise.race(reports).then(
      () => new Promise<never>(() => undefined),
      (err: unknown) => Promise.reject(err),
    );
    failed.catch(() => undefined);
    const arrived = () => progress.reduce((sum, p) => sum + p.arrived, 0);
    const started = Date.now();
    for (;;) {
      let open = 0;
      for (const g of gateways) open += await metric(g.metrics, 'plantgraph_live_subscriptions');
      if (open >= options.subscribers) break;
      if (Date.now() - started > 120_000) {
        const endedBy = progress.flatMap((p) => Object.entries(p.endedBy).map(([k, v]) => `${k}: ${v}`));
        throw new Error(`only ${open} of ${options.subscribers} subscriptions open after 120 s; ended: ${endedBy.join(', ') || 'none'}`);
      }
      await sleep(250);
    }
    await sleep(2_000);
    const heapAfter = await heap();
    const rssAfter = rss();

    const workCentersOf = new Map<string, string[]>();
    for (const site of siteIds) {
      const answer = (await (
        await fetch(gateways[0]!.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'query ($site: ID!) { workCenters(siteId: $site) { id } }', variables: { site } }),
        })
      ).json()) as { data?: { workCenters: { id: string }[] } };
      const centers = answer.data?.workCenters.map((w) => w.id) ?? [];
      if (centers.length === 0) throw new Error(`site ${site} has no work centers in the seed world`);
      workCentersOf.set(site, centers);
    }
    const total = options.rate * options.duration;
    let expected = 0;
    // Changes whose mutation answered with an error (a system that did not answer in time, for one): their event may never come.
    const changesFailed: Record<string, number> = {};
    const sent: Promise<unknown>[] = [];
    const cpu = () => ({
      gateways: gateways.reduce((sum, g) => sum + cpuSeconds(g.child.process.pid!), 0),
      subgraphs: cpuSeconds(subgraphsPid),
      clients: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    });
    const cpuBefore = cpu();
    // prom-client resets its event-loop histogram at each scrape: a sample each second covers the second before it.
    const loopDelayMs = { p99: 0, max: 0 };
    const sampleLoop = async () => {
      for (const g of gateways) {
        // Both from one scrape: the next one starts a new histogram.
        const text = await scrapeMetrics(g.metrics);
        loopDelayMs.p99 = Math.max(loopDelayMs.p99, 1000 * valueIn(text, 'plantgraph_process_nodejs_eventloop_lag_p99_seconds'));
        loopDelayMs.max = Math.max(loopDelayMs.max, 1000 * valueIn(text, 'plantgraph_process_nodejs_eventloop_lag_max_seconds'));
      }
    };
    await sampleLoop();
    loopDelayMs.p99 = loopDelayMs.max = 0;
    const loopSampler = setInterval(() => void sampleLoop().catch(() => undefined), 1_000);
    const changeStarted = Date.now();
    for (let n = 0; n < total; n++) {
      const due = changeStarted + (n * 1000) / options.rate;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const target = gateways[n % gateways.length]!;
      // Change n is at site n mod N, on that site's work centers in turn.
      const site = siteIds[n % siteIds.length]!;
      const centers = workCentersOf.get(site)!;
      expected += subscribersOf.get(site)!;
      sent.push(
        fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query:
              'mutation ($id: ID!, $state: WorkCenterState!, $reason: String) { setWorkCenterState(id: $id, state: $state, reasonCode: $reason) { id } }',
            variables: {
              id: centers[Math.floor(n / siteIds.length) % centers.length],
              state: n % 2 ? 'RUNNING' : 'IDLE',
              reason: `BENCH${n}`,
            },
          }),
        })
          .then((r) => r.json() as Promise<{ errors?: { extensions?: { code?: string } }[] }>)
          .then((answer) => {
            const code = answer.errors?.[0]?.extensions?.code;
            if (code) changesFailed[code] = (changesFailed[code] ?? 0) + 1;
          }),
      );
    }
    await Promise.race([Promise.all(sent), failed]);
    const counted = async () => {
      const totals = { eventsReceived: 0, executions: 0, superseded: 0 };
      for (const g of gateways) {
        totals.eventsReceived += await metric(g.metrics, 'plantgraph_live_events_received_total');
        totals.executions += await metric(g.metrics, 'plantgraph_live_executions_total');
        totals.superseded += await metric(g.metrics, 'plantgraph_live_superseded_total');
      }
      return totals;
    };
    // Every answer arrived, or was replaced by a newer one about the same work center before it was sent.
    // Or nothing came for 5 s, when a change failed and its event will not come.
    const drainStarted = Date.now();
    let seen = -1;
    let quietSince = Date.now();
    while (Date.now() - drainStarted < 30_000) {
      const now = arrived();
      if (now >= expected || now + (await counted()).superseded >= expected) break;
      if (now !== seen) [seen, quietSince] = [now, Date.now()];
      else if (Object.keys(changesFailed).length > 0 && Date.now() - quietSince > 5_000) break;
      await Promise.race([sleep(500), failed]);
    }
    clearInterval(loopSampler);
    const cpuAfter = cpu();
    const cpuWall = (Date.now() - changeStarted) / 1000;
    const gatewayCounts = await counted();
    for (const worker of workers) worker.postMessage({ type: 'finish' } satisfies ToClients);
    const done = await Promise.race([Promise.all(reports), failed]);
    // Up to the last arrival, not the end of the wait: a run whose answers all came is not charged the idle rest.
    const seconds = (Math.max(...done.map((d) => d.lastArrival), changeStarted + options.duration * 1000) - changeStarted) / 1000;
    const latencies = Float64Array.from(done.flatMap((d) => Array.from(d.latencies))).sort();
    const delivered = done.reduce((sum, d) => sum + d.delivered, 0);
    const sum = (pick: (d: ClientsReport) => Record<string, number>) => {
      const total: Record<string, number> = {};
      for (const d of done) for (const [k, v] of Object.entries(pick(d))) total[k] = (total[k] ?? 0) + v;
      return total;
    };
    return {
      replicas,
      subscribers: options.subscribers,
      changes: total,
      sites: options.sites,
      delivered,
      expected,
      eventsPerSecond: delivered / seconds,
      expectedPerSecond: expected / options.duration,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? NaN },
      memory: {
        heapPerSubscriberKiB: (heapAfter - heapBefore) / options.subscribers / 1024,
        rssPerSubscriberKiB: (rssAfter - rssBefore) / options.subscribers / 1024,
        heapBeforeMiB: heapBefore / 1024 / 1024,
        heapAfterMiB: heapAfter / 1024 / 1024,
      },
      refusedOrClosed: done.reduce((n, d) => n + d.ended, 0),
      endedBy: sum((d) => d.endedBy),
      answeredWith: sum((d) => d.answeredWith),
      gateway: gatewayCounts,
      reconnects: done.reduce((n, d) => n + d.reconnects, 0),
      changesFailed,
      loopDelayMs,
      cpu: {
        wallSeconds: cpuWall,
        gatewaysSeconds: cpuAfter.gateways - cpuBefore.gateways,
        subgraphsSeconds: cpuAfter.subgraphs - cpuBefore.subgraphs,
        clientsSeconds: cpuAfter.clients - cpuBefore.clients,
      },
    };
  } catch (err) {
    for (const child of children)
      process.stderr.write(
        `${child.process.exitCode === null ? 'a gateway said' : `a gateway exited (${child.process.exitCode})`}:\n${child.output().slice(-4_000)}\n`,
      );
    throw err;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await stopChildren(children);
  }
}

/** A client thread: opens its subscribers, counts what they receive, and reports when told to finish. */
async function runClients(data: ClientsData): Promise<void> {
  const port = parentPort!;
  const clients: Client[] = [];
  const latencies: number[] = [];
  let delivered = 0;
  let arrived = 0;
  let lastArrival = 0;
  let ended = 0;
  let reconnects = 0;
  const endedBy: Record<string, number> = {};
  const answeredWith: Record<string, number> = {};
  const endedWith = (why: unknown) => {
    ended += 1;
    const close = why as { code?: number; reason?: string };
    const refusal = Array.isArray(why) ? (why[0] as { message?: string; extensions?: { code?: string } } | undefined) : undefined;
    const key =
      why === 'complete'
        ? 'complete'
        : typeof close?.code === 'number'
          ? `close ${close.code} ${String(close.reason ?? '').split(':')[0]}`.trim()
          : refusal
            ? `refused ${refusal.extensions?.code ?? ''}: ${String(refusal.message).slice(0, 80)}`
            : `error ${String((why as Error)?.message ?? why).slice(0, 80)}`;
    endedBy[key] = (endedBy[key] ?? 0) + 1;
  };
  const ticker = setInterval(() => port.postMessage({ type: 'progress', arrived, lastArrival, endedBy } satisfies FromClients), 200);
  port.on('message', (message: ToClients) => {
    if (message.type !== 'finish') return;
    clearInterval(ticker);
    // Counted before the clients are disposed: their own completion is not an end the gateway chose.
    const values = Float64Array.from(latencies);
    const report: ClientsReport = {
      type: 'report',
      reconnects,
      arrived,
      lastArrival,
      delivered,
      latencies: values,
      ended,
      endedBy: { ...endedBy },
      answeredWith,
    };
    void Promise.all(clients.map((c) => c.dispose())).then(() => {
      port.postMessage(report, [values.buffer]);
      port.close();
    });
  });
  for (const [i, { url, site }] of data.assignments.entries()) {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      // A connection the loaded machine reset or dropped is tried again, as a screen's client would;
      // a close the gateway chose (4xxx: too slow, refused) is counted, not retried.
      retryAttempts: 5,
      shouldRetry: (why) => !(typeof (why as { code?: unknown })?.code === 'number' && (why as { code: number }).code >= 4000),
      on: { connected: (_socket, _payload, wasRetry) => void (wasRetry && (reconnects += 1)) },
      lazy: false,
      keepAlive: 0,
      onNonLazyError: () => undefined,
    });
    clients.push(client);
    client.subscribe(
      { query: SUBSCRIPTION, variables: { site } },
      {
        next: (result) => {
          const error = result.errors?.[0] as { extensions?: { code?: string; reason?: string } } | undefined;
          arrived += 1;
          lastArrival = Date.now();
          if (error?.extensions?.code) {
            const key = error.extensions.reason ? `${error.extensions.code} (${error.extensions.reason})` : error.extensions.code;
            answeredWith[key] = (answeredWith[key] ?? 0) + 1;
          }
          const changed = (result.data as { workCenterStateChanged?: { stateReasonCode?: string; stateChangedAt?: string } } | undefined)
            ?.workCenterStateChanged;
          if (!changed?.stateReasonCode?.startsWith('BENCH')) return;
          delivered += 1;
          latencies.push(lastArrival - Date.parse(changed.stateChangedAt!));
        },
        error: endedWith,
        complete: () => endedWith('complete'),
      },
    );
    if (i % data.batch === data.batch - 1) await sleep(100);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `bench:live needs Redis (the gateways share change events through it): ${redisUrl} does not answer (${(err as Error).message})`,
      { cause: err },
    );
  } finally {
    redis.disconnect();
  }
  const base = await freeBasePort();
  const scale = scaleFor(options.sites);
  const databaseUrl = benchDatabaseUrl(scale);
  const channel = `plantgraph:changes:bench:${randomBytes(4).toString('hex')}`;
  const callerKey = process.env.CALLER_SIGNING_KEY ?? randomBytes(32).toString('hex');
  process.stderr.write(
    `live: ${options.subscribers} subscribers over ${options.sites} site(s) (seed scale ${scale}), ${options.rate} changes/s for ${options.duration} s; ${databaseUrl ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL'}, Redis at ${redisUrl}\n`,
  );
  const children: Child[] = [];
  try {
    const subgraphs = await startBenchSubgraphs({
      base,
      scale,
      callerKey,
      databaseUrl,
      env: { BENCH_LIVE_REDIS_URL: redisUrl, CHANGE_EVENTS_CHANNEL: channel },
    });
    children.push(subgraphs);
    const supergraphPath = writeBenchSupergraph(base, 'live-supergraph');
    // Authentication off (logged by the gateway): the benchmark measures fan-out, not token checks.
    const env = {
      AUTH_MODE: 'none',
      NODE_ENV: 'production',
      CALLER_SIGNING_KEY: callerKey,
      OPS_TOKEN: BENCH_OPS_TOKEN,
      REDIS_URL: redisUrl,
      CHANGE_EVENTS_CHANNEL: channel,
      RATE_LIMIT_PER_MINUTE: '1000000000',
      LIVE_MAX_SUBSCRIPTIONS: '1000000',
      LIVE_MAX_EVENTS_PER_SECOND: '100000000',
      USAGE: 'off',
      DATABASE_URL: undefined,
    };
    const runs: Run[] = [];
    for (const replicas of [1, 2]) {
      const run = await measure(options, replicas, base, env, supergraphPath, subgraphs.process.pid!);
      runs.push(run);
      process.stderr.write(
        `   ${replicas} replica(s): ${run.delivered}/${run.expected} delivered, ${run.eventsPerSecond.toFixed(0)} events/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, heap/subscriber ${run.memory.heapPerSubscriberKiB.toFixed(1)} KiB, ${run.gateway.eventsReceived} events / ${run.gateway.executions} executions, ${run.gateway.superseded} superseded, errors ${JSON.stringify(run.answeredWith)}, failed changes ${JSON.stringify(run.changesFailed)}, reconnects ${run.reconnects}, ended ${JSON.stringify(run.endedBy)}, loop delay p99 ${run.loopDelayMs.p99.toFixed(0)} ms max ${run.loopDelayMs.max.toFixed(0)} ms, CPU s gateways ${run.cpu.gatewaysSeconds.toFixed(1)} subgraphs ${run.cpu.subgraphsSeconds.toFixed(1)} clients ${run.cpu.clientsSeconds.toFixed(1)} in ${run.cpu.wallSeconds.toFixed(1)} s\n`,
      );
    }
    const date = new Date().toISOString();
    const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
    const markdown = [
      `# Live subscriptions ${date}`,
      '',
      `${options.subscribers} WebSocket subscribers to \`workCenterStateChanged(siteId: $site)\`, ${options.rate} changes/s for ${options.duration} s through \`setWorkCenterState\`; change events through Redis. ${
        options.sites === 1
          ? 'Worst case: all subscribers on one site (S01), so every change reaches every subscriber'
          : `Spread: subscribers evenly over ${options.sites} sites (S01…${ids.site(options.sites)}, seed scale ${scale}) and the changes over the same sites, so each change reaches about ${Math.round(options.subscribers / options.sites)} subscribers`
      }: ${f(runs[0]!.expectedPerSecond, 0)} deliveries/s expected.`,
      '',
      `One machine (${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB) shared with other work while it ran: the figures are noisy and compare only with each other.`,
      '',
      `Latency: from the change's \`stateChangedAt\` (written in its transaction) to its arrival at the subscriber. Memory: the gateways' V8 heap and RSS after the subscriptions opened, less before, per subscriber (all replicas together). Delivered: answers that carry the change's fields; answers with errors are counted apart. Events/s: delivered over the time from the first change to the last answer. Executions: event queries the gateways ran for the events they received (one per event and group of subscribers sharing a query, variables and rights). Superseded: answers replaced, before they were sent, by a newer answer about the same work center (a subscriber behind gets each work center's latest state). CPU: seconds of CPU the gateways, the subgraphs' process and the benchmark's own process (the clients, on its worker threads) used from the first change to the end of the wait for answers (PostgreSQL and Redis not counted); the machine has ${os.cpus().length} cores.`,
      '',
      `The subscribers' clients ran on ${Math.min(options.clientThreads, options.subscribers)} worker thread(s) of the benchmark's process.`,
      '',
      '| replicas | subscribers | changes | delivered / expected | deliveries/s expected | events/s delivered | p50 ms | p99 ms | max ms | heap KiB / subscriber | RSS KiB / subscriber | events received / executions | superseded | answers with errors | changes that failed | ended early, by reason | reconnects | gateway event-loop delay p99 / max ms | CPU s: gateways / subgraphs / clients, in wall s |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...runs.map(
        (r) =>
          `| ${r.replicas} | ${r.subscribers} | ${r.changes} | ${r.delivered} / ${r.expected} | ${f(r.expectedPerSecond, 0)} | ${f(r.eventsPerSecond, 0)} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${f(r.memory.heapPerSubscriberKiB)} | ${f(r.memory.rssPerSubscriberKiB)} | ${r.gateway.eventsReceived} / ${r.gateway.executions} | ${r.gateway.superseded} | ${
            Object.entries(r.answeredWith)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ') || 0
          } | ${
            Object.entries(r.changesFailed)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ') || 0
          } | ${r.refusedOrClosed}${
            Object.keys(r.endedBy).length
              ? ` (${Object.entries(r.endedBy)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')})`
              : ''
          } | ${r.reconnects} | ${f(r.loopDelayMs.p99, 0)} / ${f(r.loopDelayMs.max, 0)} | ${f(r.cpu.gatewaysSeconds)} / ${f(r.cpu.subgraphsSeconds)} / ${f(r.cpu.clientsSeconds)} in ${f(r.cpu.wallSeconds)} |`,
      ),
      '',
      `Command: \`npm run bench:live -- --subscribers ${options.subscribers} --rate ${options.rate} --duration ${options.duration} --sites ${options.sites} --client-threads ${options.clientThreads}\``,
      '',
    ].join('\n');
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    // The worst case and a spread run are two modes, each keeping its latest result (bench/README.md).
    const name = `${options.sites === 1 ? 'live' : 'live-spread'}-${date.replace(/[:.]/g, '-')}`;
    writeFileSync(path.join(dir, `${name}.md`), markdown);
    writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ date, options, scale, runs }, null, 2));
    process.stdout.write(`\n${markdown}\nwritten to bench/results/${name}.md\n`);
  } finally {
    await stopChildren(children);
  }
}

if (isMainThread) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
} else {
  void runClients(workerData as ClientsData);
}
