/** closed: requests flow; open: requests fail fast; half-open: one probe decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /**
   * Consecutive failures that open the circuit.
   * @default 5
   */
  failureThreshold?: number;
  /**
   * How long the circuit stays open before the first probe request is let through; each probe
   * that fails doubles the wait before the next, up to `resetTimeoutMs`. A system that comes back
   * is found within one wait, and a probe that lands while it is still starting costs little.
   * @default 1_000
   */
  probeIntervalMs?: number;
  /**
   * The longest an open circuit fails fast before it lets the next probe through.
   * @default 5_000
   */
  resetTimeoutMs?: number;
  /** Called on every change of state (metrics, logs). */
  onStateChange?: (state: BreakerState, previous: BreakerState) => void;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

export interface BreakerSnapshot {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  /** ISO time of the last request that completed, successfully or not. */
  readonly lastCheck: string | null;
  readonly lastSuccess: string | null;
  readonly lastFailure: string | null;
  readonly lastError: string | null;
  /** ISO time at which an open circuit lets a probe through. */
  readonly retryAt: string | null;
}

/** A per-subgraph circuit breaker: it stops sending requests to a system that keeps failing. */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  /** How long the current open period lasts before a probe. */
  private waitMs = 0;
  private probeInFlight = false;
  private lastCheck: number | null = null;
  private lastSuccess: number | null = null;
  private lastFailure: number | null = null;
  private lastError: string | null = null;
  private readonly failureThreshold: number;
  private readonly resetTimeoutMs: number;
  private readonly probeIntervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.resetTimeoutMs = options.resetTimeoutMs ?? 5_000;
    this.probeIntervalMs = Math.min(options.probeIntervalMs ?? 1_000, this.resetTimeoutMs);
    this.now = options.now ?? Date.now;
  }

  /**
   * Asks to send one request. Returns false while the circuit is open; once its wait has passed,
   * lets exactly one probe through (half-open) and refuses the others until it ends.
   */
  tryAcquire(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.waitMs) return false;
      this.transition('half-open');
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Records a request that reached the system and got an answer. */
  recordSuccess(): void {
    const now = this.now();
    this.lastCheck = now;
    this.lastSuccess = now;
    this.failures = 0;
    this.probeInFlight = false;
    if (this.state !== 'closed') this.transition('closed');
  }

  /** Records a request that failed because the system is unavailable (refused, reset, timed out, 5xx). */
  recordFailure(error: string): void {
    const now = this.now();
    this.lastCheck = now;
    this.lastFailure = now;
    this.lastError = error;
    this.failures += 1;
    this.probeInFlight = false;
    if (this.state === 'half-open') {
      // A failed probe: wait twice as long as last time before the next one, never past the reset timeout.
      this.waitMs = Math.min(this.resetTimeoutMs, this.waitMs * 2);
      this.openedAt = now;
      this.transition('open');
    } else if (this.state === 'closed' && this.failures >= this.failureThreshold) {
      this.waitMs = this.probeIntervalMs;
      this.openedAt = now;
      this.transition('open');
    }
  }

  /**
   * Gives back a permit whose request ended without telling anything about the system
   * (a client error, a cancelled request), so that a half-open probe is not stuck.
   */
  release(): void {
    this.probeInFlight = false;
  }

  get current(): BreakerState {
    // An open circuit whose wait has passed is reported as half-open: the next request probes.
    if (this.state === 'open' && this.now() - this.openedAt >= this.waitMs) return 'half-open';
    return this.state;
  }

  snapshot(): BreakerSnapshot {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      state: this.current,
      consecutiveFailures: this.failures,
      lastCheck: iso(this.lastCheck),
      lastSuccess: iso(this.lastSuccess),
      lastFailure: iso(this.lastFailure),
      lastError: this.lastError,
      retryAt: this.state === 'open' ? iso(this.openedAt + this.waitMs) : null,
    };
  }

  private transition(next: BreakerState): void {
    const previous = this.state;
    if (previous === next) return;
    this.state = next;
    this.options.onStateChange?.(next, previous);
  }
}
