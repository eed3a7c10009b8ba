import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  scrapeMetrics,
  startScript as start,
  stopChildren,
  waitForHttp,
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
 *   npm run bench:live -- [--subscribers 2000] [--rate 50] [--duration 20] [--sites 1]
 *
 * `--sites N` spreads the subscribers evenly over N sites (as a plant's screens follow their own
 * site) and the changes over the same sites, so each change reaches subscribers/N of them. The
 * default, 1, is the worst case: every change reaches every subscriber. More than one site needs
 * a larger seed world (scale 10 has 4 sites, scale 100 has 40), chosen from the site count.
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
  /** Answers that carried errors, by the first error's code (a system that did not answer in time, for one). */
  answeredWith: Record<string, number>;
}

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
  };
  requireWholeNumbers({ ...options });
  return options;
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) * 1024;
}

async function metric(url: string, name: string): Promise<number> {
  const line = (await scrapeMetrics(url)).split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(' ').pop() ?? 0);
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(
  options: Options,
  replicas: number,
  base: number,
  env: Record<string, string | undefined>,
  supergraphPath: string,
): Promise<Run> {
  const children: Child[] = [];
  const clients: Client[] = [];
  try {
    const gateways: { url: string; metrics: string; child: Child }[] = [];
    for (let i = 0; i < replicas; i++) {
      const port = base + 20 + i;
      const child = await start('gateway/main.js', { ...env, PORT: String(port), SUPERGRAPH_PATH: supergraphPath }, null);
      children.push(child);
      await waitForHttp(`http://127.0.0.1:${port}/health`);
      gateways.push({ url: `http://127.0.0.1:${port}/graphql`, metrics: `http://127.0.0.1:${port}/metrics`, child });
    }
    const heap = async () => {
      let total = 0;
      for (const g of gateways) total += await metric(g.metrics, 'plantgraph_process_nodejs_heap_size_used_bytes');
      return total;
    };
    const rss = () => gateways.reduce((sum, g) => sum + rssBytes(g.child.process.pid!), 0);
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

    const latencies: number[] = [];
    let delivered = 0;
    // Every answer, with or without the change's fields (a system that did not answer in time leaves them null).
    let arrived = 0;
    let lastArrival = 0;
    let ended = 0;
    const endedBy: Record<string, number> = {};
    const answeredWith: Record<string, number> = {};
    const endedWith = (why: unknown) => {
      ended += 1;
      const close = why as { code?: number; reason?: string };
      const key =
        why === 'complete'
          ? 'complete'
          : typeof close?.code === 'number'
            ? `close ${close.code} ${String(close.reason ?? '').split(':')[0]}`.trim()
            : 'error';
      endedBy[key] = (endedBy[key] ?? 0) + 1;
    };
    const siteIds = Array.from({ length: options.sites }, (_, i) => ids.site(i + 1));
    // Every replica serves every site: subscriber i goes to replica i mod R and to site (i div R) mod N.
    const subscribersOf = new Map<string, number>(siteIds.map((id) => [id, 0]));
    for (let i = 0; i < options.subscribers; i++) {
      const gateway = gateways[i % gateways.length]!;
      const site = siteIds[Math.floor(i / gateways.length) % siteIds.length]!;
      subscribersOf.set(site, subscribersOf.get(site)! + 1);
      const client = createClient({
        url: gateway.url.replace('http:', 'ws:'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        keepAlive: 0,
        onNonLazyError: () => undefined,
      });
      clients.push(client);
      client.subscribe(
        { query: SUBSCRIPTION, variables: { site } },
        {
          next: (result) => {
            const code = (result.errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code;
            arrived += 1;
            lastArrival = Date.now();
            if (code) answeredWith[code] = (answeredWith[code] ?? 0) + 1;
            const changed = (result.data as { workCenterStateChanged?: { stateReasonCode?: string; stateChangedAt?: string } } | undefined)
              ?.workCenterStateChanged;
            if (!changed?.stateReasonCode?.startsWith('BENCH')) return;
            delivered += 1;
            latencies.push(Date.now() - Date.parse(changed.stateChangedAt!));
          },
          error: endedWith,
          complete: () => endedWith('complete'),
        },
      );
      // Connections are opened in batches, as screens come up, not in one burst.
      if (i % 200 === 199) await sleep(100);
    }
    const started = Date.now();
    for (;;) {
      let open = 0;
      for (const g of gateways) open += await metric(g.metrics, 'plantgraph_live_subscriptions');
      if (open >= options.subscribers) break;
      if (Date.now() - started > 120_000) throw new Error(`only ${open} of ${options.subscribers} subscriptions open after 120 s`);
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
    const sent: Promise<unknown>[] = [];
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
        }).then((r) => r.text()),
      );
    }
    await Promise.all(sent);
    const drainStarted = Date.now();
    while (arrived < expected && Date.now() - drainStarted < 30_000) await sleep(200);
    // Up to the last arrival, not the end of the wait: a run whose answers all came is not charged the idle rest.
    const seconds = (Math.max(lastArrival, changeStarted + options.duration * 1000) - changeStarted) / 1000;
    latencies.sort((a, b) => a - b);
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
      refusedOrClosed: ended,
      endedBy,
      answeredWith,
    };
  } catch (err) {
    for (const child of children)
      if (child.process.exitCode !== null)
        process.stderr.write(`a gateway exited (${child.process.exitCode}):\n${child.output().slice(-4_000)}\n`);
    throw err;
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await stopChildren(children);
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
    const subgraphs = await start(
      'bench/subgraphs-process.js',
      {
        CALLER_SIGNING_KEY: callerKey,
        BENCH_BASE_PORT: String(base),
        BENCH_SCALE: String(scale),
        BENCH_DATABASE_URL: databaseUrl,
        BENCH_LIVE_REDIS_URL: redisUrl,
        CHANGE_EVENTS_CHANNEL: channel,
      },
      /subgraphs ready/,
    );
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
      const run = await measure(options, replicas, base, env, supergraphPath);
      runs.push(run);
      process.stderr.write(
        `   ${replicas} replica(s): ${run.delivered}/${run.expected} delivered, ${run.eventsPerSecond.toFixed(0)} events/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, heap/subscriber ${run.memory.heapPerSubscriberKiB.toFixed(1)} KiB\n`,
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
      "Latency: from the change's `stateChangedAt` (written in its transaction) to its arrival at the subscriber. Memory: the gateways' V8 heap and RSS after the subscriptions opened, less before, per subscriber (all replicas together). Delivered: answers that carry the change's fields; answers with errors are counted apart. Events/s: delivered over the time from the first change to the last answer.",
      '',
      '| replicas | subscribers | changes | delivered / expected | deliveries/s expected | events/s delivered | p50 ms | p99 ms | max ms | heap KiB / subscriber | RSS KiB / subscriber | answers with errors | ended early, by reason |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...runs.map(
        (r) =>
          `| ${r.replicas} | ${r.subscribers} | ${r.changes} | ${r.delivered} / ${r.expected} | ${f(r.expectedPerSecond, 0)} | ${f(r.eventsPerSecond, 0)} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${f(r.memory.heapPerSubscriberKiB)} | ${f(r.memory.rssPerSubscriberKiB)} | ${
            Object.entries(r.answeredWith)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ') || 0
          } | ${r.refusedOrClosed}${
            Object.keys(r.endedBy).length
              ? ` (${Object.entries(r.endedBy)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')})`
              : ''
          } |`,
      ),
      '',
      `Command: \`npm run bench:live -- --subscribers ${options.subscribers} --rate ${options.rate} --duration ${options.duration} --sites ${options.sites}\``,
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

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
