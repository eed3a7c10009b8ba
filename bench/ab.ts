/**
 * The same-run A/B of `npm run bench -- --against-env K=V`: this gateway against a second instance
 * of itself whose environment differs by the given variables, in place of the vanilla gateway.
 * Two separate runs on a shared machine differ by more than the settings being compared; rounds
 * interleaved in one run see the same neighbours, and the spread over rounds says how far the
 * figure can be trusted. The order alternates (A B, then B A) because the side measured first in
 * a round came out slower with either setting there.
 */

/** An environment variable's name as a shell would accept it. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses `K=V,K=V` (a value may be empty, not the name), naming the option on bad input. */
export function parseEnvList(raw: string, option: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of raw.split(',').filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    if (eq === -1 || !NAME.test(name)) throw new Error(`--${option} takes K=V pairs separated by commas, got "${item}"`);
    if (name in env) throw new Error(`--${option} sets ${name} twice`);
    env[name] = item.slice(eq + 1);
  }
  return env;
}

/** The second instance's environment from `--against-env`, or null without it; refuses what would not be an A/B. */
export function parseAgainstEnv(
  raw: string | undefined,
  present: boolean,
  oursEnv: Readonly<Record<string, string>>,
): Record<string, string> | null {
  if (!present) return null;
  if (raw === undefined || raw.startsWith('--')) throw new Error('--against-env needs K=V pairs, e.g. --against-env USAGE=off');
  const env = parseEnvList(raw, 'against-env');
  if (Object.keys(env).length === 0) throw new Error('--against-env needs at least one K=V pair');
  // Identical settings would report noise as a difference between two configurations.
  if (Object.entries(env).every(([k, v]) => oursEnv[k] === v))
    throw new Error('--against-env sets nothing --env does not already set: A and B would be the same gateway');
  return env;
}

/** The figures of one side in one round that the A/B reports. */
export interface Side {
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  cpuMsPerRequest: number;
  /** CPU time of the subgraphs' process per request: what this side's way of asking costs the systems. */
  subgraphCpuMsPerRequest: number;
  /** The gateway's resident memory during the round (MiB): mean and peak of the samples. */
  rssMeanMiB: number;
  rssPeakMiB: number;
}

export interface Round {
  a: Side;
  b: Side;
}

export interface AbSummary {
  /** Per round, A's throughput over B's, in the order measured. */
  ratios: number[];
  medianRatio: number;
  minRatio: number;
  maxRatio: number;
  /** Per round, A's p99 over B's. */
  p99Ratios: number[];
  medianP99Ratio: number;
  /** Medians over the rounds of each side's figures. */
  a: Side;
  b: Side;
}

export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const medianSide = (sides: Side[]): Side => ({
  throughput: medianOf(sides.map((s) => s.throughput)),
  p50: medianOf(sides.map((s) => s.p50)),
  p99: medianOf(sides.map((s) => s.p99)),
  // Errors are summed: one erroneous round matters whatever the others did.
  errors: sides.reduce((sum, s) => sum + s.errors, 0),
  cpuMsPerRequest: medianOf(sides.map((s) => s.cpuMsPerRequest)),
  subgraphCpuMsPerRequest: medianOf(sides.map((s) => s.subgraphCpuMsPerRequest)),
  rssMeanMiB: medianOf(sides.map((s) => s.rssMeanMiB)),
  // The peak is the largest of any round: a memory bound holds or fails on its worst round.
  rssPeakMiB: Math.max(...sides.map((s) => s.rssPeakMiB)),
});

/**
 * Medians rather than means: on a shared machine one round can be hit by a neighbour's burst,
 * and a median of per-round ratios is not moved by it the way a ratio of means is.
 */
export function summarise(rounds: readonly Round[]): AbSummary {
  const ratios = rounds.map((r) => r.a.throughput / r.b.throughput);
  const p99Ratios = rounds.map((r) => r.a.p99 / r.b.p99);
  return {
    ratios,
    medianRatio: medianOf(ratios),
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
    p99Ratios,
    medianP99Ratio: medianOf(p99Ratios),
    a: medianSide(rounds.map((r) => r.a)),
    b: medianSide(rounds.map((r) => r.b)),
  };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const describeEnv = (env: Readonly<Record<string, string>>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || 'its defaults';

/** The markdown table of an A/B run: one line per workload. */
export function abTable(rows: readonly { scale: number; workload: string; rounds: readonly Round[] }[]): string {
  const header =
    '| scale | workload | A req/s | B req/s | ratio A/B, median (min–max) | ratio A/B per round | A p50/p99 ms | B p50/p99 ms | p99 A/B, median | p99 A/B per round | A CPU ms/req | B CPU ms/req | subgraphs CPU ms/req A/B | RSS MiB mean/peak A / B | errors A/B |';
  const lines = rows.map((r) => {
    const s = summarise(r.rounds);
    return `| ${r.scale} | ${r.workload} | ${fmt(s.a.throughput)} | ${fmt(s.b.throughput)} | ${fmt(s.medianRatio, 3)} (${fmt(s.minRatio, 3)}–${fmt(s.maxRatio, 3)}) | ${s.ratios.map((x) => fmt(x, 3)).join(', ')} | ${fmt(s.a.p50)}/${fmt(s.a.p99)} | ${fmt(s.b.p50)}/${fmt(s.b.p99)} | ${fmt(s.medianP99Ratio, 3)} | ${s.p99Ratios.map((x) => fmt(x, 2)).join(', ')} | ${fmt(s.a.cpuMsPerRequest, 2)} | ${fmt(s.b.cpuMsPerRequest, 2)} | ${fmt(s.a.subgraphCpuMsPerRequest, 2)}/${fmt(s.b.subgraphCpuMsPerRequest, 2)} | ${fmt(s.a.rssMeanMiB, 0)}/${fmt(s.a.rssPeakMiB, 0)} / ${fmt(s.b.rssMeanMiB, 0)}/${fmt(s.b.rssPeakMiB, 0)} | ${s.a.errors}/${s.b.errors} |`;
  });
  return [header, '|' + '---|'.repeat(15), ...lines].join('\n');
}

/** The header lines saying what A and B were. */
export function abHeading(oursEnv: Readonly<Record<string, string>>, againstEnv: Readonly<Record<string, string>>): string {
  return (
    `A/B of this gateway against itself: A with ${describeEnv(oursEnv)}, B the same with ${describeEnv(againstEnv)}, both serving the same subgraphs to the same load, rounds interleaved, A first in odd rounds and B first in even ones.\n` +
    "ratio A/B = A's throughput over B's in the same round; req/s, p50, p99, CPU and mean RSS are medians over the rounds, the RSS peak the largest of any round, errors their sum.\n" +
    "RSS = the gateway process's resident memory (VmRSS from /proc) sampled every 250 ms while the load ran."
  );
}
