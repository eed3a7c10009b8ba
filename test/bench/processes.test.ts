import { rssMiB, sampleRss } from '../../bench/processes';

describe('gateway memory from /proc', () => {
  it("reads a live process's resident memory, and nothing once it is gone", () => {
    const own = rssMiB(process.pid)!;
    // A Node process running jest is tens of MiB at least, and not terabytes.
    expect(own).toBeGreaterThan(10);
    expect(own).toBeLessThan(1024 * 1024);
    // Far above pid_max (at most 2^22): no such process.
    expect(rssMiB(2 ** 30)).toBeUndefined();
  });

  it('samples until stopped and gives the mean and the peak of the samples', async () => {
    const sampler = sampleRss(process.pid, 10);
    // Touch 64 MiB while sampling, so the peak is above the first sample.
    const first = rssMiB(process.pid)!;
    const held = Buffer.alloc(64 * 1024 * 1024, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const summary = sampler.stop();
    expect(held[held.length - 1]).toBe(1);
    expect(summary.samples).toBeGreaterThan(2);
    expect(summary.peakMiB).toBeGreaterThanOrEqual(summary.meanMiB);
    expect(summary.peakMiB).toBeGreaterThan(first + 32);
    expect(summary.meanMiB).toBeGreaterThan(0);
  });

  it('reports no figure for a process that is not there, rather than zero', () => {
    const summary = sampleRss(2 ** 30, 10).stop();
    expect(summary.samples).toBe(0);
    expect(summary.meanMiB).toBeNaN();
  });
});
