import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadQuestions, type Question } from '../questions';
import { CALLER_KEY_ENV, generateCallerKey } from '../platform/caller-header';
import { postGraphql, type Variables } from './graphql-client';
import { buildPools } from './pools';
import {
  argument,
  benchDatabaseUrl,
  freeBasePort,
  requireWholeNumbers,
  ROOT,
  startScript,
  stopChildren,
  waitForHttp,
  writeBenchSupergraph,
  type Child,
} from './processes';

/**
 * Where the subgraphs' process spends its CPU under one question's load:
 *
 *   npm run build && node dist/bench/profile-subgraphs.js [--scale 10] [--questions q01,q05] [--duration 10] [--connections 16] [--serial 40]
 *
 * For each question, a fresh subgraphs' process first answers `--serial` requests one at a time
 * (CPU per request from /proc), running under `--cpu-prof` behind this gateway (one
 * anonymous caller, AUTH_MODE=none); then it is loaded by autocannon with variables drawn in turn from the
 * question's `--vary` pool, so that requests are not merged. Writes the top functions by self time
 * and the share of each library to `bench/results/profiles-<time>.md`; the raw profiles stay
 * under `.data/bench-run/profiles/` (they are large).
 */

const CALLER_KEY = process.env[CALLER_KEY_ENV] || generateCallerKey();

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function and per library (package or project folder), in ms, of the samples taken
 * `skipMs` or more after the profile started (so that start-up, loading modules and building
 * schemas, stays out of a profile of requests).
 */
export function summariseProfile(
  profile: CpuProfile,
  skipMs = 0,
): { totalMs: number; functions: Map<string, number>; libraries: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  let elapsedMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const deltaMs = (profile.timeDeltas[i] ?? 0) / 1000;
    elapsedMs += deltaMs;
    if (elapsedMs < skipMs) continue;
    selfMs.set(id, (selfMs.get(id) ?? 0) + deltaMs);
  }
  const functions = new Map<string, number>();
  const libraries = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    totalMs += ms;
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const library = libraryOf(frame);
    libraries.set(library, (libraries.get(library) ?? 0) + ms);
  }
  return { totalMs, functions, libraries };
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist !== -1 ? url.slice(dist + '/dist/'.length) : url.replace(/^file:\/\//, '');
}

function libraryOf(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return 'node core';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (modules) return modules[1]!;
  const dist = /\/dist\/([^/]+\/(?:[^/]+\/)?)/.exec(frame.url);
  return dist ? `project ${dist[1]}` : '(other)';
}

function table(rows: [string, number][], totalMs: number, limit: number): string {
  const lines = ['| ms | share | |', '|---:|---:|---|'];
  for (const [name, ms] of rows.sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    lines.push(`| ${ms.toFixed(0)} | ${((100 * ms) / totalMs).toFixed(1)} % | \`${name.replace(/\|/g, '\\|')}\` |`);
  }
  return lines.join('\n');
}

/**
 * The subgraphs' process under `--cpu-prof` (not allowed in NODE_OPTIONS, so not through
 * startScript); it writes the profile when it exits on SIGTERM. `readyMs`: how long after its
 * start it said it was ready.
 */
function startProfiled(dir: string, env: Record<string, string | undefined>): Promise<Child & { readyMs: number }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, path.join(ROOT, 'dist', 'bench', 'subgraphs-process.js')],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('subgraphs ready')) resolve({ process: child, output: () => output, readyMs: performance.now() - started });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the subgraphs' process exited (${code}):\n${output}`)));
  });
}

/** CPU time (user + system) of a process so far, in ms, from /proc (USER_HZ 100). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The subgraphs' CPU per request with one request at a time, after as many again to warm up:
 * nothing is merged or batched, and no request is abandoned, so the figure is the cost of one
 * answer, less disturbed by other load on the machine than a figure under concurrency.
 */
async function serialCpuMs(url: string, bodies: readonly string[], pid: number, requests: number): Promise<number> {
  const ask = async (i: number) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i % bodies.length] });
    const text = await response.text();
    if (!response.ok || text.includes('"errors":')) throw new Error(`request ${i} answered ${response.status}: ${text.slice(0, 200)}`);
  };
  for (let i = 0; i < requests; i++) await ask(i);
  const before = cpuMs(pid);
  for (let i = 0; i < requests; i++) await ask(i);
  return (cpuMs(pid) - before) / requests;
}

async function profileQuestion(
  q: Question,
  scale: number,
  duration: number,
  connections: number,
  profileDir: string,
  serialRequests: number,
): Promise<{ requests: number; serialMs: number; readyMs: number; profile: CpuProfile }> {
  const base = await freeBasePort();
  const dir = path.join(profileDir, q.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const children: Child[] = [];
  const env = { [CALLER_KEY_ENV]: CALLER_KEY };
  try {
    const subgraphs = await startProfiled(dir, {
      ...env,
      BENCH_BASE_PORT: String(base),
      BENCH_SCALE: String(scale),
      BENCH_DATABASE_URL: benchDatabaseUrl(scale),
      NODE_ENV: 'production',
    });
    children.push(subgraphs);
    const port = base + 20;
    const gateway = await startScript(
      'gateway/main.js',
      {
        ...env,
        PORT: String(port),
        SUPERGRAPH_PATH: writeBenchSupergraph(base, 'profile'),
        AUTH_MODE: 'none',
        NODE_ENV: 'production',
        RATE_LIMIT_PER_MINUTE: '100000000',
        SUBGRAPH_TIMEOUT_MS: '60000',
      },
      null,
    );
    children.push(gateway);
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitForHttp(`http://127.0.0.1:${port}/health`);
    const ask = (document: string, variables: Variables) => postGraphql(url, document, variables);
    const pool = (await buildPools([q], scale, ask, [ask], (line) => process.stderr.write(`${line}\n`))).get(q.id)!;
    const bodies = (pool.variables.length ? pool.variables : [q.variables]).map((variables) =>
      JSON.stringify({ query: q.document, variables }),
    );
    const serial = await serialCpuMs(url, bodies, children[0]!.process.pid!, serialRequests);
    process.stderr.write(
      `   ${q.id}: ${serial.toFixed(1)} ms of subgraph CPU per request, one request at a time (${serialRequests} requests)\n`,
    );
    let next = 0;
    const run = (seconds: number) =>
      autocannon({
        url,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request: autocannon.Request) => ({ ...request, body: bodies[next++ % bodies.length] }),
          },
        ],
      });
    await run(3); // warm-up, counted in the profile too: it is short next to the run
    const result = await run(duration);
    process.stderr.write(
      `   ${q.id}: ${result.requests.total} requests in ${duration} s, ${result.non2xx} non-2xx, p50 ${result.latency.p50} ms\n`,
    );
    await stopChildren(children.splice(0));
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`the subgraphs' process left no profile in ${dir}`);
    return {
      requests: result.requests.total,
      serialMs: serial,
      readyMs: subgraphs.readyMs,
      profile: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile,
    };
  } finally {
    await stopChildren(children);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const scale = Number(argument(argv, 'scale') ?? 10);
  const duration = Number(argument(argv, 'duration') ?? 10);
  const connections = Number(argument(argv, 'connections') ?? 16);
  const serial = Number(argument(argv, 'serial') ?? 40);
  requireWholeNumbers({ scale, duration, connections, serial });
  const ids = (argument(argv, 'questions') ?? 'q01,q05').split(',');
  const questions = loadQuestions().filter((q) => ids.includes(q.id));
  const profileDir = path.join(ROOT, '.data', 'bench-run', 'profiles');
  const sections: string[] = [];
  for (const q of questions) {
    const { profile, serialMs, readyMs } = await profileQuestion(q, scale, duration, connections, profileDir, serial);
    const { totalMs, functions, libraries } = summariseProfile(profile, readyMs);
    sections.push(
      `## ${q.id} ${q.name}\n\nOne request at a time: ${serialMs.toFixed(1)} ms of the subgraphs' CPU per request (${serial} requests, after ${serial} to warm up).\n\nBusy samples: ${totalMs.toFixed(0)} ms of CPU from the process's ready line on (${(readyMs / 1000).toFixed(1)} s of start-up left out; the pools' look-ups, the requests one at a time, the warm-up and the run; idle excluded).\n\n### By library\n\n${table([...libraries], totalMs, 20)}\n\n### Top functions by self time\n\n${table([...functions], totalMs, 30)}\n`,
    );
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = path.join(ROOT, 'bench', 'results', `profiles-${stamp}.md`);
  writeFileSync(
    out,
    `# Subgraphs' process CPU profiles, scale ${scale}\n\n\`node dist/bench/profile-subgraphs.js --scale ${scale} --questions ${ids.join(',')} --duration ${duration} --connections ${connections} --serial ${serial}\`: this gateway (one anonymous caller), ${connections} connections, variables from each question's --vary pool, on a shared 2-core machine.\n\n${sections.join('\n')}`,
  );
  process.stderr.write(`wrote ${path.relative(ROOT, out)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
}
