import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * A preload that tells a gateway's garbage from its retained memory: loaded with
 * `NODE_OPTIONS="--require <root>/dist/bench/memory-probe.js"` (for instance through the
 * benchmark's `--env` or `--against-env`), it appends one JSON line per second to
 * `MEMORY_PROBE_DIR/memory-<pid>.jsonl`: RSS, the V8 heap (total and used), the old space's size
 * and use, external memory and array buffers, and the heap's limit. When the process also runs
 * with `--expose-gc` and `MEMORY_PROBE_GC=<seconds>`, it forces a full collection that often and
 * writes the same figures just after it (`"afterGc": true`): what is left then is what the
 * process holds on to; the rest of a sample was garbage not yet collected.
 *
 * `MEMORY_PROBE_V8_FLAGS` sets V8 flags that NODE_OPTIONS does not take (`--heap-growing-percent=…`)
 * before the process loads anything else, to measure them the same way.
 *
 * Summarise the lines with `node dist/bench/memory-probe.js <file>…`.
 */

interface Sample {
  t: number;
  afterGc: boolean;
  rssMiB: number;
  heapTotalMiB: number;
  heapUsedMiB: number;
  oldSpaceMiB: number;
  oldSpaceUsedMiB: number;
  externalMiB: number;
  arrayBuffersMiB: number;
  heapLimitMiB: number;
  /** Milliseconds spent in collections since the probe started: young generation (scavenges) and full (mark-compact). */
  gcMinorMs: number;
  gcMajorMs: number;
}

const MiB = 1024 * 1024;

const gcTime = { minor: 0, major: 0 };

function observeGc(): void {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcTime.minor += entry.duration;
      else gcTime.major += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
}

function sample(started: number, afterGc: boolean): Sample {
  const m = process.memoryUsage();
  const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  return {
    t: Math.round((Date.now() - started) / 100) / 10,
    afterGc,
    rssMiB: m.rss / MiB,
    heapTotalMiB: m.heapTotal / MiB,
    heapUsedMiB: m.heapUsed / MiB,
    oldSpaceMiB: (old?.space_size ?? 0) / MiB,
    oldSpaceUsedMiB: (old?.space_used_size ?? 0) / MiB,
    externalMiB: m.external / MiB,
    arrayBuffersMiB: m.arrayBuffers / MiB,
    heapLimitMiB: v8.getHeapStatistics().heap_size_limit / MiB,
    gcMinorMs: gcTime.minor,
    gcMajorMs: gcTime.major,
  };
}

function startProbe(dir: string): void {
  const file = path.join(dir, `memory-${process.pid}.jsonl`);
  const started = Date.now();
  observeGc();
  const write = (s: Sample) => appendFileSync(file, `${JSON.stringify(s)}\n`);
  setInterval(() => write(sample(started, false)), 1_000).unref();
  const gcEvery = Number(process.env.MEMORY_PROBE_GC ?? 0);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gcEvery > 0 && gc) {
    setInterval(() => {
      gc();
      write(sample(started, true));
    }, gcEvery * 1_000).unref();
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** One line per file: samples, then mean / p50 / max of each figure, with and without forced collections. */
function summarise(files: string[]): void {
  for (const file of files) {
    const samples = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Sample);
    for (const afterGc of [false, true]) {
      const of = samples.filter((s) => s.afterGc === afterGc);
      if (of.length === 0) continue;
      const figures = (['rssMiB', 'heapTotalMiB', 'heapUsedMiB', 'oldSpaceUsedMiB', 'externalMiB', 'arrayBuffersMiB'] as const).map((k) => {
        const values = of.map((s) => s[k]).sort((a, b) => a - b);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        return `${k} mean ${mean.toFixed(0)} p50 ${quantile(values, 0.5).toFixed(0)} max ${values[values.length - 1]!.toFixed(0)}`;
      });
      const last = of[of.length - 1]!;
      const gc = afterGc
        ? ''
        : `; GC ms per second: scavenges ${((last.gcMinorMs ?? 0) / last.t).toFixed(1)}, other ${((last.gcMajorMs ?? 0) / last.t).toFixed(1)}`;
      process.stdout.write(
        `${path.basename(file)} ${afterGc ? 'after forced GC' : 'every second'} (${of.length} samples, heap limit ${of[0]!.heapLimitMiB.toFixed(0)} MiB): ${figures.join('; ')}${gc}\n`,
      );
    }
  }
}

if (require.main === module) summarise(process.argv.slice(2));
else {
  // V8 flags that NODE_OPTIONS refuses (`--heap-growing-percent`), to try them under the benchmark.
  if (process.env.MEMORY_PROBE_V8_FLAGS) v8.setFlagsFromString(process.env.MEMORY_PROBE_V8_FLAGS);
  if (process.env.MEMORY_PROBE_DIR) startProbe(process.env.MEMORY_PROBE_DIR);
}
