import { CircuitBreaker, type BreakerState } from '../../../gateway/reliability/breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  let changes: [BreakerState, BreakerState][] = [];
  const breaker = () => {
    now = 1_000_000;
    changes = [];
    return new CircuitBreaker({
      failureThreshold: 3,
      probeIntervalMs: 1_000,
      resetTimeoutMs: 8_000,
      now: () => now,
      onStateChange: (s, p) => changes.push([p, s]),
    });
  };

  it('opens after the threshold of consecutive failures, not before, and a success resets the count', () => {
    const b = breaker();
    b.recordFailure('refused');
    b.recordFailure('refused');
    b.recordSuccess();
    b.recordFailure('refused');
    b.recordFailure('refused');
    expect(b.current).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure('refused');
    expect(b.current).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.snapshot()).toMatchObject({
      state: 'open',
      consecutiveFailures: 3,
      lastError: 'refused',
      retryAt: new Date(now + 1_000).toISOString(),
    });
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('lets exactly one probe through once the first probe interval has passed', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure('timeout');
    now += 999;
    expect(b.tryAcquire()).toBe(false);
    now += 1;
    expect(b.current).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // the probe is in flight
    b.recordSuccess();
    expect(b.current).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('reopens when the probe fails, and frees the probe slot on release', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure('reset');
    now += 1_000;
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure('reset');
    expect(b.current).toBe('open');
    now += 2_000;
    expect(b.tryAcquire()).toBe(true);
    b.release(); // the probe ended without saying anything about the system (a client error)
    expect(b.tryAcquire()).toBe(true);
  });

  it('does not punish an early probe: each failed probe doubles the wait, up to the reset timeout', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure('refused');
    const waits: number[] = [];
    for (let probe = 0; probe < 6; probe++) {
      let waited = 0;
      while (!b.tryAcquire()) {
        now += 100;
        waited += 100;
      }
      waits.push(waited);
      b.recordFailure('refused'); // the system is still starting
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(b.snapshot().retryAt).toBe(new Date(now + 8_000).toISOString());
  });

  it('closes at the first probe after the system is back, and a later outage starts again from the short wait', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure('refused');
    now += 1_000;
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure('refused'); // an early probe: the subgraph is still starting
    now += 2_000;
    expect(b.tryAcquire()).toBe(true);
    b.recordSuccess();
    expect(b.current).toBe('closed');
    for (let i = 0; i < 3; i++) b.recordFailure('refused');
    now += 999;
    expect(b.tryAcquire()).toBe(false);
    now += 1;
    expect(b.tryAcquire()).toBe(true);
  });

  it('never waits longer than the reset timeout, even when the probe interval is set above it', () => {
    const b = new CircuitBreaker({ failureThreshold: 1, probeIntervalMs: 60_000, resetTimeoutMs: 500, now: () => now });
    b.recordFailure('timeout');
    now += 500;
    expect(b.tryAcquire()).toBe(true);
  });
});
