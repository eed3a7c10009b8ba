import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Finding a block of free ports for processes that take a base port and count up from it
 * (`plantgraph start`, the benchmarks, the end-to-end tests).
 *
 * A port that is free when checked can still be taken before the process binds it. The likely
 * thief is not another listener but an outgoing connection: the kernel hands out local ports for
 * those from its ephemeral range, and a busy test run opens thousands. So blocks are chosen
 * below that range, where only explicit binds land.
 */

const LOWEST = 20_000;

/** The first port of the kernel's ephemeral range (Linux; 32768 where it cannot be read). */
export function ephemeralRangeStart(): number {
  try {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const port = Number(start);
    return Number.isInteger(port) && port > LOWEST ? port : 32_768;
  } catch {
    return 32_768;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Slices of the range that jest's processes pick from, so that two workers never hand out the same port. */
const SLICES = 4;

/**
 * The part of [start, end) this process picks from: a jest worker (`JEST_WORKER_ID`) its own
 * slice, any other process the whole range. A test holds a block unbound while its child process
 * starts (seconds, for `plantgraph start`), and another worker's random pick must not land in it
 * meanwhile.
 */
function workerSlice(start: number, end: number): [number, number] {
  const worker = Number(process.env.JEST_WORKER_ID);
  if (!Number.isInteger(worker) || worker < 1) return [start, end];
  const size = Math.floor((end - start) / SLICES);
  const slice = worker % SLICES;
  return [start + slice * size, start + (slice + 1) * size];
}

/**
 * A base port such that base + each offset is free on 127.0.0.1 now, with the whole block
 * between 20000 and the start of the ephemeral range.
 */
export async function freePortBlock(offsets: readonly number[]): Promise<number> {
  const span = Math.max(0, ...offsets) + 1;
  const [lowest, end] = workerSlice(LOWEST, ephemeralRangeStart());
  const highest = end - span;
  if (highest < lowest) throw new Error(`no room for ${span} ports between ${lowest} and ${end}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = lowest + Math.floor(Math.random() * (highest - lowest + 1));
    if ((await Promise.all(offsets.map((o) => portFree(base + o)))).every(Boolean)) return base;
  }
  throw new Error(`no block of ${span} free ports found between ${lowest} and ${highest + span - 1}`);
}
