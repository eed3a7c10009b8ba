import { CircuitBreaker, type BreakerState } from '../../../gateway/reliability/breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  let changes: [BreakerState, BreakerState][] = [];
  const breaker = () => {
    now = 1_000_000;
    changes = [];
    return new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 1_000, now: () => now, onStateChange: (s, p) => changes.push([p, s]) });
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
    expect(b.snapshot()).toMatchObject({ state: 'open', consecutiveFailures: 3, lastError: 'refused', retryAt: new Date(now + 1_000).toISOString() });
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('lets exactly one probe through once the reset timeout has passed', () => {
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
    expect(changes).toEqual([['closed', 'open'], ['open', 'half-open'], ['half-open', 'closed']]);
  });

  it('reopens at once when the probe fails, and frees the probe slot on release', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure('reset');
    now += 1_000;
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure('reset');
    expect(b.current).toBe('open');
    now += 1_000;
    expect(b.tryAcquire()).toBe(true);
    b.release(); // the probe ended without saying anything about the system (a client error)
    expect(b.tryAcquire()).toBe(true);
  });
});
