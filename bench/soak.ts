import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadQuestions, type Question } from '../questions';
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

/**
 * The soak benchmark: the questions the current graph can answer, in a mix, for minutes, against
 * a gateway and subgraphs it starts itself on loopback. It reports throughput, p50/p99 latency,
 * errors (HTTP and GraphQL; there must be none) and memory samples of the gateway, and says
 * whether memory levelled off.
 *
 *   npm run bench:soak -- [--duration 300] [--connections 16] [--sample 5] [--scale 1]
 *
 * Uses DATABASE_URL's server when set (databases bench_s<scale>_<system>), else an embedded PostgreSQL.
 */

interface Options {
  /** Seconds of load. */
  duration: number;
  connections: number;
  /** Seconds between memory samples. */
  sample: number;
  scale: number;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string) => argument(argv, name);
  const options: Options = {
    duration: Number(get('duration') ?? 300),
    connections: Number(get('connections') ?? 16),
    sample: Number(get('sample') ?? 5),
    scale: Number(get('scale') ?? 1),
  };
  requireWholeNumbers({ ...options });
  return options;
}

/** The gateway's V8 heap in use, in MiB, from its own `/metrics`. */
async function heapMiB(metricsUrl: string): Promise<number> {
  const text = await scrapeMetrics(metricsUrl);
  const line = text.split('\n').find((l) => l.startsWith('plantgraph_process_nodejs_heap_size_used_bytes'));
  return Number(line?.split(' ').pop() ?? 0) / 1024 / 1024;
}

interface Sample {
  /** Seconds since the load began. */
  t: number;
  gatewayRssMiB: number;
  gatewayHeapMiB: number;
  subgraphsRssMiB: number;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

/** Least-squares slope of `value` over time, per minute. */
function slopePerMinute(samples: Sample[], value: (s: Sample) => number): number {
  const xs = samples.map((s) => s.t / 60);
  const ys = samples.map(value);
  const mx = mean(xs);
  const my = mean(ys);
  const num = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

interface Growth {
  /** Mean of the last third of the samples against the mean of the middle third, in percent. */
  lateGrowthPercent: number;
  /** Trend over the second half of the run, MiB per minute. */
  secondHalfSlopeMiBPerMin: number;
  levelsOff: boolean;
}

/**
 * Warm-up growth (JIT, caches, pools) is expected; a leak keeps growing. Memory levels off when
 * the last third of the run holds within 10 % of the middle third.
 */
function growth(samples: Sample[], value: (s: Sample) => number): Growth {
  const third = Math.floor(samples.length / 3);
  const middle = samples.slice(third, 2 * third).map(value);
  const last = samples.slice(2 * third).map(value);
  const lateGrowthPercent = ((mean(last) - mean(middle)) / Math.max(mean(middle), 1e-9)) * 100;
  const secondHalf = samples.slice(Math.floor(samples.length / 2));
  const secondHalfSlopeMiBPerMin = slopePerMinute(secondHalf, value);
  return { lateGrowthPercent, secondHalfSlopeMiBPerMin, levelsOff: lateGrowthPercent < 10 };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const base = await freeBasePort();
  const databaseUrl = benchDatabaseUrl(options.scale);
  process.stderr.write(
    `soak: scale ${options.scale}, ${options.duration} s, ${options.connections} connections; ${databaseUrl ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL'}\n`,
  );
  const children: Child[] = [];
  // The gateway signs the caller of each subgraph request with this key; the subgraphs check it.
  const callerKey = process.env.CALLER_SIGNING_KEY ?? randomBytes(32).toString('hex');
  try {
    const subgraphs = await startBenchSubgraphs({ base, scale: options.scale, callerKey, databaseUrl });
    children.push(subgraphs);

    const supergraphPath = writeBenchSupergraph(base, 'soak-supergraph');

    const gatewayPort = base + 20;
    // Authentication off (logged by the gateway) and no rate limit worth the name: the soak
    // measures the data path, not token checks or throttling.
    const gateway = await startBenchGateway(gatewayPort, {
      SUPERGRAPH_PATH: supergraphPath,
      AUTH_MODE: 'none',
      NODE_ENV: 'production',
      CALLER_SIGNING_KEY: callerKey,
      RATE_LIMIT_PER_MINUTE: '1000000000',
      OPS_TOKEN: BENCH_OPS_TOKEN,
    });
    children.push(gateway);
    const url = `http://127.0.0.1:${gatewayPort}/graphql`;
    const metricsUrl = `http://127.0.0.1:${gatewayPort}/metrics`;

    const runnable: Question[] = [];
    for (const q of loadQuestions()) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: q.document, variables: q.variables }),
      });
      const body = (await response.json()) as { errors?: { message: string }[] };
      if (response.status !== 200 || body.errors?.length)
        process.stderr.write(`   skip ${q.id} ${q.name}: ${body.errors?.[0]?.message ?? `HTTP ${response.status}`}\n`);
      else runnable.push(q);
    }
    if (runnable.length === 0) throw new Error('no question can be answered by this graph yet');
    process.stderr.write(`   soaking with ${runnable.map((q) => q.id).join(', ')}\n`);

    const samples: Sample[] = [];
    const started = Date.now();
    const takeSample = async () => {
      samples.push({
        t: (Date.now() - started) / 1000,
        gatewayRssMiB: rssMiB(gateway.process.pid!) ?? NaN,
        gatewayHeapMiB: await heapMiB(metricsUrl),
        subgraphsRssMiB: rssMiB(subgraphs.process.pid!) ?? NaN,
      });
      const s = samples[samples.length - 1]!;
      process.stderr.write(
        `   t=${s.t.toFixed(0)}s gateway rss ${s.gatewayRssMiB.toFixed(1)} MiB heap ${s.gatewayHeapMiB.toFixed(1)} MiB, subgraphs rss ${s.subgraphsRssMiB.toFixed(1)} MiB\n`,
      );
    };
    await takeSample();
    const sampler = setInterval(() => void takeSample().catch(() => undefined), options.sample * 1000);

    let graphqlErrors = 0;
    const firstErrors: string[] = [];
    const result = await autocannon({
      url,
      connections: options.connections,
      duration: options.duration,
      requests: runnable.map((q) => ({
        method: 'POST' as const,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: q.document, variables: q.variables }),
        // Non-2xx answers are counted by autocannon; this counts errors inside 200 answers.
        onResponse: (status: number, body: string) => {
          if (status >= 200 && status < 300 && body.includes('"errors"')) {
            graphqlErrors += 1;
            if (firstErrors.length < 3) firstErrors.push(`${q.id}: ${body.slice(0, 300)}`);
          }
        },
      })),
    });
    clearInterval(sampler);
    await takeSample();

    const gatewayHeap = growth(samples, (s) => s.gatewayHeapMiB);
    const gatewayRss = growth(samples, (s) => s.gatewayRssMiB);
    const subgraphsRss = growth(samples, (s) => s.subgraphsRssMiB);
    const errors = result.errors + result.timeouts + result.non2xx + graphqlErrors;
    const summary = {
      date: new Date().toISOString(),
      options,
      questions: runnable.map((q) => q.id),
      requests: result.requests.total,
      throughput: result.requests.total / result.duration,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      errors: {
        total: errors,
        connection: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        graphql: graphqlErrors,
        first: firstErrors,
      },
      memory: { gatewayHeap, gatewayRss, subgraphsRss },
      samples,
    };
    const f = (n: number, d = 1) => n.toFixed(d);
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const markdown = [
      `# Soak ${summary.date}`,
      '',
      `${options.duration} s, ${options.connections} connections, scale ${options.scale}, questions ${summary.questions.join(', ')} in a mix.`,
      '',
      '| requests | req/s | p50 ms | p99 ms | max ms | errors |',
      '|---|---|---|---|---|---|',
      `| ${summary.requests} | ${f(summary.throughput)} | ${summary.latencyMs.p50} | ${summary.latencyMs.p99} | ${summary.latencyMs.max} | ${errors} |`,
      '',
      '| memory | first MiB | last MiB | last third vs middle third | slope, 2nd half | levels off |',
      '|---|---|---|---|---|---|',
      `| gateway heap | ${f(first.gatewayHeapMiB)} | ${f(last.gatewayHeapMiB)} | ${f(gatewayHeap.lateGrowthPercent)} % | ${f(gatewayHeap.secondHalfSlopeMiBPerMin, 2)} MiB/min | ${gatewayHeap.levelsOff ? 'yes' : 'NO'} |`,
      `| gateway RSS | ${f(first.gatewayRssMiB)} | ${f(last.gatewayRssMiB)} | ${f(gatewayRss.lateGrowthPercent)} % | ${f(gatewayRss.secondHalfSlopeMiBPerMin, 2)} MiB/min | ${gatewayRss.levelsOff ? 'yes' : 'NO'} |`,
      `| subgraphs RSS | ${f(first.subgraphsRssMiB)} | ${f(last.subgraphsRssMiB)} | ${f(subgraphsRss.lateGrowthPercent)} % | ${f(subgraphsRss.secondHalfSlopeMiBPerMin, 2)} MiB/min | ${subgraphsRss.levelsOff ? 'yes' : 'NO'} |`,
      '',
    ].join('\n');
    process.stdout.write(`\n${markdown}`);
    if (firstErrors.length) process.stdout.write(`\nfirst errors:\n${firstErrors.join('\n')}\n`);
    const resultsDir = path.join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const stamp = summary.date.replace(/[:.]/g, '-');
    writeFileSync(path.join(resultsDir, `soak-${stamp}.json`), JSON.stringify(summary, null, 2));
    writeFileSync(path.join(resultsDir, `soak-${stamp}.md`), markdown);
    process.stdout.write(`\nsaved bench/results/soak-${stamp}.json and .md\n`);
    if (errors > 0 || !gatewayHeap.levelsOff || !gatewayRss.levelsOff) process.exitCode = 1;
  } finally {
    await stopChildren(children);
  }
}

main().catch((err) => {
  process.stderr.write(`soak: ${(err as Error).message}\n`);
  process.exit(1);
});
