import { createServer, type Server } from 'node:net';
import { ephemeralRangeStart, freePortBlock } from '../../platform/ports';
import { START_PORT_OFFSETS } from '../../platform/systems';

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject).listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('free port blocks', () => {
  it('picks a block below the ephemeral range whose every port can be bound', async () => {
    const base = await freePortBlock(START_PORT_OFFSETS);
    expect(base).toBeGreaterThanOrEqual(20_000);
    expect(base + Math.max(...START_PORT_OFFSETS)).toBeLessThan(ephemeralRangeStart());
    const servers = await Promise.all(START_PORT_OFFSETS.map((o) => listenOn(base + o)));
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it("knows plantgraph start's ports: the gateway, the six subgraphs after it, PostgreSQL at +10", () => {
    expect(START_PORT_OFFSETS).toEqual([0, 1, 2, 3, 4, 5, 6, 10]);
  });

  it("reads the kernel's ephemeral range where there is one", () => {
    const start = ephemeralRangeStart();
    expect(Number.isInteger(start)).toBe(true);
    expect(start).toBeGreaterThan(20_000);
  });

  it('refuses a block that cannot fit below the ephemeral range', async () => {
    await expect(freePortBlock([0, 50_000])).rejects.toThrow(/no room for 50001 ports/);
  });
});
