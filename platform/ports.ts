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

/**
 * A base port such that base + each offset is free on 127.0.0.1 now, with the whole block
 * between 20000 and the start of the ephemeral range.
 */
export async function freePortBlock(offsets: readonly number[]): Promise<number> {
  const span = Math.max(0, ...offsets) + 1;
  const highest = ephemeralRangeStart() - span;
  if (highest < LOWEST) throw new Error(`no room for ${span} ports between ${LOWEST} and the ephemeral range`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if ((await Promise.all(offsets.map((o) => portFree(base + o)))).every(Boolean)) return base;
  }
  throw new Error(`no block of ${span} free ports found between ${LOWEST} and ${highest + span - 1}`);
}
