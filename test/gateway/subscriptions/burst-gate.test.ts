import { burstGate, WS_BURST_WRITES } from '../../../gateway/subscriptions/live-server';

describe('the burst gate of live WebSocket writes', () => {
  it('lets the limit through in one turn of the event loop, then makes every writer wait for the next turn, where the count starts again', async () => {
    const gate = burstGate(3);
    const log: string[] = [];
    const waits = [gate.sent(), gate.sent(), gate.sent()];
    expect(waits).toEqual([undefined, undefined, undefined]);
    const fourth = gate.sent();
    const fifth = gate.sent();
    expect(fourth).toBeInstanceOf(Promise);
    // One turn for all writers past the burst.
    expect(fifth).toBe(fourth);
    // They go on in a later turn of the loop, not within this one's promise jobs: the loop reads
    // what waits on its sockets (a system's answer) in between.
    void fourth!.then(() => log.push('writers go on'));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(log).toEqual([]);
    await fourth;
    expect(log).toEqual(['writers go on']);
    expect([gate.sent(), gate.sent(), gate.sent()]).toEqual([undefined, undefined, undefined]);
    expect(gate.sent()).toBeInstanceOf(Promise);
  });

  it('restarts the count at each turn even when the burst was not reached', async () => {
    const gate = burstGate(2);
    expect(gate.sent()).toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect([gate.sent(), gate.sent()]).toEqual([undefined, undefined]);
    expect(gate.sent()).toBeInstanceOf(Promise);
  });

  it('allows 2,000 writes a turn by default', () => {
    const gate = burstGate();
    for (let i = 0; i < WS_BURST_WRITES; i++) expect(gate.sent()).toBeUndefined();
    expect(gate.sent()).toBeInstanceOf(Promise);
    expect(WS_BURST_WRITES).toBe(2_000);
  });
});
