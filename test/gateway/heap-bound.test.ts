import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { containerMemoryLimit, GATEWAY_OLD_SPACE_MIB, heapBoundProblem, tuneBoundedHeap } from '../../gateway/heap-bound';
import { container } from '../support/manifests';

// js-yaml 3 ships no types; this is the one function the test needs.
const { load: loadYaml } = require('js-yaml') as { load: (text: string) => unknown };

const ROOT = path.join(__dirname, '..', '..');
const MiB = 1024 * 1024;

/** A reader of the cgroup files that knows only `files`. */
function cgroup(files: Record<string, string>): (file: string) => string {
  return (file) => {
    if (file in files) return files[file]!;
    throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
  };
}

/** The heap limit V8 sets for `node` given these flags, in bytes (asked of a real node). */
function heapLimitUnder(flags: string[]): number {
  return Number(
    execFileSync(process.execPath, [...flags, '-p', 'require("v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }),
  );
}

describe('containerMemoryLimit', () => {
  it('reads cgroup v2, then v1, and knows their ways of saying "no limit"', () => {
    expect(containerMemoryLimit(cgroup({ '/sys/fs/cgroup/memory.max': '536870912\n' }))).toBe(512 * MiB);
    expect(containerMemoryLimit(cgroup({ '/sys/fs/cgroup/memory.max': 'max\n' }))).toBeUndefined();
    expect(containerMemoryLimit(cgroup({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '1073741824\n' }))).toBe(1024 * MiB);
    expect(containerMemoryLimit(cgroup({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' }))).toBeUndefined();
    expect(containerMemoryLimit(cgroup({}))).toBeUndefined();
    // Unreadable content is no limit known, not a crash.
    expect(containerMemoryLimit(cgroup({ '/sys/fs/cgroup/memory.max': 'garbage' }))).toBeUndefined();
  });
});

describe('heapBoundProblem', () => {
  it('says nothing without a container limit or when the heap fits in three quarters of it', () => {
    expect(heapBoundProblem(4144 * MiB, undefined)).toBeUndefined();
    expect(heapBoundProblem(304 * MiB, 512 * MiB)).toBeUndefined();
  });

  it('names both figures and a bound when the heap may outgrow the container', () => {
    expect(heapBoundProblem(4144 * MiB, 512 * MiB)).toBe(
      "V8 may let the heap grow to 4144 MiB, but the container's memory limit is 512 MiB: under load the gateway would be " +
        'killed for memory before it collects its garbage. Bound the heap, e.g. NODE_OPTIONS=--max-old-space-size=256',
    );
  });
});

describe('tuneBoundedHeap', () => {
  it("leaves a heap of 2 GiB or more to V8's own growing factor and tunes a bounded one", () => {
    expect(tuneBoundedHeap(4144 * MiB)).toBe(false);
    expect(tuneBoundedHeap(2048 * MiB)).toBe(false);
    expect(tuneBoundedHeap(heapLimitUnder([`--max-old-space-size=${GATEWAY_OLD_SPACE_MIB}`]))).toBe(true);
  });
});

describe('the deployments bound the gateway heap alike, within the pod limit', () => {
  const flag = `--max-old-space-size=${GATEWAY_OLD_SPACE_MIB}`;

  it('sets the same bound in k8s/, docker-compose.yml and the image command', () => {
    const env = container('gateway').env ?? [];
    expect(env.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(flag);
    const compose = loadYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
    };
    const gateways = Object.values(compose.services).filter((s) => s.command?.join(' ') === 'node dist/gateway/main.js');
    expect(gateways.length).toBeGreaterThan(0);
    for (const gateway of gateways) expect(gateway.environment?.NODE_OPTIONS).toBe(flag);
    expect(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toContain(`CMD ["node", "${flag}", "dist/gateway/main.js"]`);
  });

  it('leaves the k8s memory limit room for the heap V8 actually allows under that bound, and not one sized for a large host', () => {
    const limit = container('gateway').resources?.limits?.memory;
    expect(limit).toMatch(/^\d+Mi$/);
    const limitBytes = Number.parseInt(String(limit), 10) * MiB;
    expect(heapBoundProblem(heapLimitUnder([flag]), limitBytes)).toBeUndefined();
    // V8 sizes its default bound from the host, 2 GiB and more on a host of 8 GiB or more: that would not fit.
    expect(heapBoundProblem(heapLimitUnder(['--max-old-space-size=2048']), limitBytes)).toMatch(/would be killed for memory/);
  });
});
