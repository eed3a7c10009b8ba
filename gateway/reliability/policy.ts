import { StartupError } from '../../platform/listen';
import { SYSTEM_NAMES, type SystemName } from '../../platform/systems';

/** How the gateway treats one subgraph: how long it waits, how often it retries, when it stops trying. */
export interface SubgraphPolicy {
  /**
   * Longest wait for one subgraph request, connection and body included.
   * @default 3_000
   */
  readonly timeoutMs: number;
  /**
   * Extra attempts for a query whose subgraph refused, reset the connection or answered 502/503/504.
   * Mutations are never retried: a mutation that may have been applied must not be applied twice.
   * One whose answer did not arrive (timeout, connection lost after sending) is reported as
   * MUTATION_OUTCOME_UNKNOWN, for the client to retry with the same `Idempotency-Key`.
   * @default 2
   */
  readonly retries: number;
  /**
   * First backoff delay; each retry doubles it, with jitter.
   * @default 50
   */
  readonly retryBaseDelayMs: number;
  /**
   * Consecutive failures that open the circuit.
   * @default 5
   */
  readonly breakerFailureThreshold: number;
  /**
   * How long a circuit that has just opened fails fast before it lets one probe through; each
   * failed probe doubles the wait, up to `breakerResetMs`.
   * @default 1_000
   */
  readonly breakerProbeMs: number;
  /**
   * The longest an open circuit fails fast before the next probe.
   * @default 5_000
   */
  readonly breakerResetMs: number;
}

export const DEFAULT_POLICY: SubgraphPolicy = Object.freeze({
  timeoutMs: 3_000,
  retries: 2,
  retryBaseDelayMs: 50,
  breakerFailureThreshold: 5,
  breakerProbeMs: 1_000,
  breakerResetMs: 5_000,
});

export interface ReliabilityConfig {
  readonly defaults: SubgraphPolicy;
  /** Per-system overrides (`ERP_TIMEOUT_MS`, …). */
  readonly systems: Readonly<Partial<Record<SystemName, SubgraphPolicy>>>;
}

const VARIABLES: readonly [keyof SubgraphPolicy, string, number][] = [
  ['timeoutMs', 'SUBGRAPH_TIMEOUT_MS', 1],
  ['retries', 'SUBGRAPH_RETRIES', 0],
  ['retryBaseDelayMs', 'SUBGRAPH_RETRY_DELAY_MS', 0],
  ['breakerFailureThreshold', 'BREAKER_FAILURE_THRESHOLD', 1],
  ['breakerProbeMs', 'BREAKER_PROBE_MS', 1],
  ['breakerResetMs', 'BREAKER_RESET_MS', 1],
];

function readInteger(env: NodeJS.ProcessEnv, name: string, min: number, problems: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    problems.push(`${name} must be an integer of at least ${min}, got "${raw}"`);
    return undefined;
  }
  return value;
}

/**
 * Reads the subgraph policy: `SUBGRAPH_TIMEOUT_MS`, `SUBGRAPH_RETRIES`, `SUBGRAPH_RETRY_DELAY_MS`,
 * `BREAKER_FAILURE_THRESHOLD`, `BREAKER_PROBE_MS`, `BREAKER_RESET_MS`, and `<SYSTEM>_TIMEOUT_MS` per system.
 */
export function loadReliabilityConfig(env: NodeJS.ProcessEnv = process.env): ReliabilityConfig {
  const problems: string[] = [];
  const defaults = { ...DEFAULT_POLICY };
  for (const [key, name, min] of VARIABLES) {
    const value = readInteger(env, name, min, problems);
    if (value !== undefined) defaults[key] = value;
  }
  const systems: Partial<Record<SystemName, SubgraphPolicy>> = {};
  for (const system of SYSTEM_NAMES) {
    const timeoutMs = readInteger(env, `${system.toUpperCase()}_TIMEOUT_MS`, 1, problems);
    if (timeoutMs !== undefined) systems[system] = Object.freeze({ ...defaults, timeoutMs });
  }
  if (problems.length) throw new StartupError(`gateway: ${problems.join('; ')}`);
  return Object.freeze({ defaults: Object.freeze(defaults), systems: Object.freeze(systems) });
}

/** The policy of one system: its override, else the defaults. */
export function policyFor(config: ReliabilityConfig, system: string): SubgraphPolicy {
  return config.systems[system as SystemName] ?? config.defaults;
}

/** Exponential backoff with full jitter: attempt 1 waits up to base, attempt 2 up to 2×base, … */
export function backoffDelay(policy: SubgraphPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.round(policy.retryBaseDelayMs * 2 ** (attempt - 1) * (0.5 + random() / 2));
}
