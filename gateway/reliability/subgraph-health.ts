import type { Logger } from '../../platform/logger';
import { CircuitBreaker, type BreakerSnapshot } from './breaker';
import { setBreakerState } from './metrics';
import { policyFor, type ReliabilityConfig, type SubgraphPolicy } from './policy';

export interface SystemReadiness {
  readonly url: string;
  /** Whether the system's own `/ready` answered 200 to this check. */
  readonly ready: boolean;
  /** What the check found when the system is not ready. */
  readonly detail: string | null;
  readonly checkedAt: string;
  readonly breaker: BreakerSnapshot;
}

export interface ReadinessReport {
  /** `ready` when every system is, `degraded` when some are not: the gateway itself still serves. */
  readonly status: 'ready' | 'degraded';
  readonly systems: Record<string, SystemReadiness>;
}

/** The gateway's view of each subgraph: one breaker per system, kept across supergraph reloads. */
export class SubgraphHealth {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly urls = new Map<string, string>();

  constructor(
    readonly config: ReliabilityConfig,
    private readonly logger: Logger,
  ) {}

  policy(system: string): SubgraphPolicy {
    return policyFor(this.config, system);
  }

  /** The breaker of a system, created closed on first use. */
  breaker(system: string): CircuitBreaker {
    let breaker = this.breakers.get(system);
    if (!breaker) {
      const policy = this.policy(system);
      breaker = new CircuitBreaker({
        failureThreshold: policy.breakerFailureThreshold,
        probeIntervalMs: policy.breakerProbeMs,
        resetTimeoutMs: policy.breakerResetMs,
        onStateChange: (state, previous) => {
          setBreakerState(system, state);
          const log = state === 'open' ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
          log({ system, state, previous }, `circuit of ${system} is ${state}`);
        },
      });
      setBreakerState(system, 'closed');
      this.breakers.set(system, breaker);
    }
    return breaker;
  }

  /** Remembers where a system is served (the supergraph or a `<SYSTEM>_URL`). */
  register(system: string, url: string): void {
    this.urls.set(system, url);
    this.breaker(system);
  }

  /** Asks every known system's `/ready`, in parallel and briefly, and reports it with its breaker. */
  async check(timeoutMs = 1_000): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.urls].map(async ([system, url]) => {
        const readyUrl = new URL('/ready', url).toString();
        let ready = false;
        let detail: string | null = null;
        try {
          const response = await fetch(readyUrl, { signal: AbortSignal.timeout(timeoutMs) });
          ready = response.status === 200;
          const body = await response.text();
          if (!ready) detail = `HTTP ${response.status}: ${body.slice(0, 200)}`;
        } catch (err) {
          detail = describeFailure(err);
        }
        const readiness: SystemReadiness = {
          url,
          ready,
          detail,
          checkedAt: new Date().toISOString(),
          breaker: this.breaker(system).snapshot(),
        };
        return [system, readiness] as const;
      }),
    );
    const systems = Object.fromEntries(entries);
    const status = entries.every(([, r]) => r.ready && r.breaker.state === 'closed') ? 'ready' : 'degraded';
    return { status, systems };
  }
}

/** A short reason for a failed request: `timeout`, `connection refused`, … */
export function describeFailure(err: unknown): string {
  const error = err as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return 'timeout';
  const code = error?.cause?.code ?? error?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return error?.cause?.message ?? error?.message ?? String(err);
}
