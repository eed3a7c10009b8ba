import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_OLD_SPACE_MIB } from '../gateway/heap-bound';
import { freePortBlock } from '../platform/ports';
import { SYSTEM_NAMES, systemPort } from '../platform/systems';

/** What the benchmarks share: spawning the compiled processes, ports, the supergraph they serve. */

export const ROOT = path.join(__dirname, '..', '..');

/** The ops token the benchmarks give the gateway (`OPS_TOKEN`) and present on its `/metrics`. */
export const BENCH_OPS_TOKEN = randomBytes(24).toString('hex');

/** Reads the gateway's `/metrics` with the ops token. */
export async function scrapeMetrics(metricsUrl: string): Promise<string> {
  const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${BENCH_OPS_TOKEN}` } });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return response.text();
}

export interface Child {
  process: ChildProcess;
  output: () => string;
}

export interface StartOptions {
  /**
   * How long to wait for `ready`.
   * @default 600_000
   */
  timeoutMs?: number;
  /** Copy the child's non-JSON output to our stderr (seed progress). */
  echo?: boolean;
}

/** The value after `--name` on a command line, or undefined. */
export function argument(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? undefined : argv[i + 1];
}

/** Fails, naming the option, unless every value is a whole number ≥ 1. */
export function requireWholeNumbers(values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1, got ${value}`);
  }
}

/** Spawns a compiled script under dist/; resolves once its output matches `ready` (at once when null). */
export function startScript(
  script: string,
  env: Record<string, string | undefined>,
  ready: string | RegExp | null,
  options: StartOptions = {},
): Promise<Child> {
  const { timeoutMs = 600_000, echo = false } = options;
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', script)], {
      cwd: ROOT,
      // Apollo's usage telemetry off for every gateway: the benchmarks send nothing off the machine.
      env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const isReady = () => (typeof ready === 'string' ? output.includes(ready) : ready !== null && ready.test(output));
    const timer = setTimeout(() => reject(new Error(`${script}: not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      // Keep only the tail: a soak runs long and its children may log.
      if (output.length > 200_000) output = output.slice(-100_000);
      if (echo) process.stderr.write(text.replace(/^\{.*\}\n/gm, ''));
      if (isReady()) {
        clearTimeout(timer);
        resolve({ process: child, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    if (ready === null) {
      clearTimeout(timer);
      resolve({ process: child, output: () => output });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}):\n${output}`));
    });
  });
}

/** Stops children, last started first, and waits for each to exit. */
export async function stopChildren(children: Child[]): Promise<void> {
  for (const child of [...children].reverse()) {
    if (child.process.exitCode !== null) continue;
    const exited = new Promise((r) => child.process.once('exit', r));
    child.process.kill('SIGTERM');
    await exited;
  }
}

/** Resolves once `url` answers below 500. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The benchmark's six subgraphs in one process (`bench/subgraphs-process.ts`), seeded at `scale` on first use; resolves once they serve. */
export function startBenchSubgraphs(options: {
  base: number;
  scale: number;
  /** The key the gateways sign the caller header with (`CALLER_SIGNING_KEY`). */
  callerKey: string;
  /** `BENCH_DATABASE_URL`; undefined for an embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /** More of the process's environment (the live benchmark's Redis and channel). */
  env?: Record<string, string | undefined>;
  /** Copy its seed progress to our stderr. */
  echo?: boolean;
}): Promise<Child> {
  return startScript(
    'bench/subgraphs-process.js',
    {
      CALLER_SIGNING_KEY: options.callerKey,
      BENCH_BASE_PORT: String(options.base),
      BENCH_SCALE: String(options.scale),
      BENCH_DATABASE_URL: options.databaseUrl,
      ...options.env,
    },
    /subgraphs ready/,
    { echo: options.echo },
  );
}

/**
 * This gateway's heap bound as every deployment sets it (the Dockerfile, docker-compose.yml,
 * k8s/gateway.yaml): the benchmarks measure the gateway as it is shipped, its memory included.
 * An `NODE_OPTIONS` of the run's own (`--env NODE_OPTIONS=…`) replaces it.
 */
export const DEPLOYED_GATEWAY_ENV: Readonly<Record<string, string>> = Object.freeze({
  NODE_OPTIONS: `--max-old-space-size=${GATEWAY_OLD_SPACE_MIB}`,
});

/** This project's gateway (`dist/gateway/main.js`) on `port`, bounded as deployed; resolves once its `/health` answers, and stops it if it never does. */
export async function startBenchGateway(port: number, env: Record<string, string | undefined>): Promise<Child> {
  const child = await startScript('gateway/main.js', { ...DEPLOYED_GATEWAY_ENV, ...env, PORT: String(port) }, null);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`);
  } catch (err) {
    await stopChildren([child]);
    throw new Error(`${(err as Error).message}; the gateway said:\n${child.output().slice(-4_000)}`, { cause: err });
  }
  return child;
}

/** A base port whose whole block (subgraphs, PostgreSQL, stats, gateways: base … base+21) is free. */
export function freeBasePort(): Promise<number> {
  return freePortBlock(Array.from({ length: 22 }, (_, i) => i));
}

/** The benchmark's databases at a scale: `bench_s<scale>_<system>` on DATABASE_URL's server, or undefined (embedded). */
export function benchDatabaseUrl(scale: number): string | undefined {
  if (!process.env.DATABASE_URL) return undefined;
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/bench_s${scale}`;
  return url.toString();
}

/** Writes the committed supergraph with its subgraph URLs moved to this run's ports; returns its path. */
export function writeBenchSupergraph(base: number, name: string): string {
  let supergraph = readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8');
  for (const system of SYSTEM_NAMES) {
    supergraph = supergraph.replace(
      `http://127.0.0.1:${systemPort(4000, system)}/graphql`,
      `http://127.0.0.1:${systemPort(base, system)}/graphql`,
    );
  }
  const dir = path.join(ROOT, '.data', 'bench-run');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${base}.graphql`);
  writeFileSync(file, supergraph);
  return file;
}

/** A process's resident memory over a stretch of time, in MiB. */
export interface RssSummary {
  /** Mean of the samples. */
  meanMiB: number;
  /** Largest sample. */
  peakMiB: number;
  samples: number;
}

/** Resident set size of a process now, in MiB (`VmRSS` of /proc/<pid>/status); undefined once it has exited. */
export function rssMiB(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? undefined : Number(kib) / 1024;
}

/**
 * Samples a process's resident memory every `everyMs` until `stop()`, which takes one last sample
 * and returns the mean and the peak. (The kernel's own peak, `VmHWM`, counts from the process's
 * start: it could not tell one workload from the one before.)
 */
export function sampleRss(pid: number, everyMs = 250): { stop(): RssSummary } {
  const samples: number[] = [];
  const take = () => {
    const value = rssMiB(pid);
    if (value !== undefined) samples.push(value);
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      take();
      if (samples.length === 0) return { meanMiB: NaN, peakMiB: NaN, samples: 0 };
      return {
        meanMiB: samples.reduce((a, b) => a + b, 0) / samples.length,
        peakMiB: Math.max(...samples),
        samples: samples.length,
      };
    },
  };
}
