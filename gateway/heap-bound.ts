import { readFileSync } from 'node:fs';
import v8 from 'node:v8';

/**
 * The gateway's V8 heap against the memory it may use. Under load, V8 collects the old space
 * lazily: with its default bound (a quarter of the machine's memory, 4 GiB on a large host) a
 * gateway whose live data is under 100 MiB grew to 1.7 GiB of RSS, almost all of it garbage not
 * yet collected (docs/performance.md, "Memory"). In a container with a memory limit below that
 * bound, the process is killed before V8 thinks it worth collecting. The deployment therefore
 * bounds the heap (`NODE_OPTIONS=--max-old-space-size=256`), and the gateway warns at start when
 * its heap may outgrow its container.
 */

/** The heap bound the deployment sets (MiB of old space): RSS stays under 400 MiB under load. */
export const GATEWAY_OLD_SPACE_MIB = 256;

/**
 * How much the old space may grow past what the last full collection left before the next one,
 * in percent, for a bounded heap. V8 lets a heap grow up to 4× its live size between full
 * collections when its bound is 2 GiB or more (on x64), but only 1.3× when the bound is 256 MiB:
 * under the gateway's load (each request's garbage promoted while requests overlap), that meant
 * far more full collections and 9–41 % more CPU per request. 3× keeps a
 * live set of about 70 MiB collected at about 210 MiB, within the bound.
 */
export const BOUNDED_HEAP_GROWING_PERCENT = 200;

/** Bounds at or above this are V8's "large heap", which it already lets grow up to 4× between collections. */
const LARGE_HEAP_BYTES = 2048 * 1024 * 1024;

const MiB = 1024 * 1024;

/** Above this, a cgroup v1 `memory.limit_in_bytes` means "no limit" (the kernel writes a page-rounded 2^63). */
const NO_LIMIT = 2 ** 50;

/** Where the kernel states this process's memory limit: cgroup v2, then v1. */
const LIMIT_FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];

/** The memory limit of this process's container in bytes, or undefined when it has none (or it cannot be read). */
export function containerMemoryLimit(read: (file: string) => string = (file) => readFileSync(file, 'utf8')): number | undefined {
  for (const file of LIMIT_FILES) {
    let text: string;
    try {
      text = read(file).trim();
    } catch {
      continue;
    }
    if (text === 'max') return undefined;
    const bytes = Number(text);
    if (!Number.isFinite(bytes) || bytes <= 0) continue;
    return bytes >= NO_LIMIT ? undefined : bytes;
  }
  return undefined;
}

/**
 * Why the heap bound does not fit the container, or undefined when it does: V8's heap (plus
 * about 100 MiB of code, native memory and buffers) must stay under the container's limit,
 * so the heap may take at most three quarters of it.
 */
export function heapBoundProblem(heapLimitBytes: number, containerLimitBytes: number | undefined): string | undefined {
  if (containerLimitBytes === undefined || heapLimitBytes <= containerLimitBytes * 0.75) return undefined;
  const suggested = Math.max(64, Math.floor(containerLimitBytes / MiB / 2));
  return (
    `V8 may let the heap grow to ${Math.round(heapLimitBytes / MiB)} MiB, but the container's memory limit is ` +
    `${Math.round(containerLimitBytes / MiB)} MiB: under load the gateway would be killed for memory before it collects ` +
    `its garbage. Bound the heap, e.g. NODE_OPTIONS=--max-old-space-size=${suggested}`
  );
}

/** This process's heap bound and its container's limit, in MiB (for the start-up log), and the problem if any. */
export function heapBound(): { heapLimitMiB: number; containerLimitMiB: number | undefined; problem: string | undefined } {
  const heapLimit = v8.getHeapStatistics().heap_size_limit;
  const container = containerMemoryLimit();
  return {
    heapLimitMiB: Math.round(heapLimit / MiB),
    containerLimitMiB: container === undefined ? undefined : Math.round(container / MiB),
    problem: heapBoundProblem(heapLimit, container),
  };
}

/**
 * For a bounded heap (a limit under 2 GiB), sets V8's growing factor to `BOUNDED_HEAP_GROWING_PERCENT`
 * (NODE_OPTIONS does not take `--heap-growing-percent`; V8 reads it at every collection). Call it
 * first thing at start. Returns whether it did.
 */
export function tuneBoundedHeap(heapLimitBytes = v8.getHeapStatistics().heap_size_limit): boolean {
  if (heapLimitBytes >= LARGE_HEAP_BYTES) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${BOUNDED_HEAP_GROWING_PERCENT}`);
  return true;
}
