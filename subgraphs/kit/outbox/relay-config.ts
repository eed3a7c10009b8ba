import { StartupError } from '../../../platform/listen';

/** How long a relay keeps trying a command before it parks it. */
export interface RetryBudget {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * 1 s doubling to 60 s, 500 attempts: a command rides out more than four hours of its target
 * being down (at least 30 s per attempt once the delay is capped, whatever the jitter), and is
 * sent at most a minute after the target is back.
 */
export const DEFAULT_RETRY_BUDGET: Readonly<RetryBudget> = Object.freeze({ maxAttempts: 500, baseDelayMs: 1_000, maxDelayMs: 60_000 });

const VARIABLES = {
  maxAttempts: 'OUTBOX_MAX_ATTEMPTS',
  baseDelayMs: 'OUTBOX_RETRY_BASE_MS',
  maxDelayMs: 'OUTBOX_RETRY_MAX_MS',
} as const satisfies Record<keyof RetryBudget, string>;

/** The relays' retry budget from `OUTBOX_MAX_ATTEMPTS`, `OUTBOX_RETRY_BASE_MS` and `OUTBOX_RETRY_MAX_MS`, defaults for those unset. */
export function retryBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): RetryBudget {
  const budget = { ...DEFAULT_RETRY_BUDGET };
  const problems: string[] = [];
  for (const [field, name] of Object.entries(VARIABLES) as [keyof RetryBudget, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) problems.push(`${name} must be a whole number of at least 1, got "${raw.slice(0, 20)}"`);
    else budget[field] = value;
  }
  if (problems.length === 0 && budget.maxDelayMs < budget.baseDelayMs) {
    problems.push(`OUTBOX_RETRY_MAX_MS (${budget.maxDelayMs}) must not be below OUTBOX_RETRY_BASE_MS (${budget.baseDelayMs})`);
  }
  if (problems.length) throw new StartupError(`outbox relay: ${problems.join('; ')}`);
  return budget;
}

/** The shortest time a budget keeps a command before parking it: every delay at the low end of its jitter. */
export function shortestRetryWindowMs(budget: RetryBudget): number {
  let total = 0;
  for (let attempt = 1; attempt < budget.maxAttempts; attempt++)
    total += Math.min(budget.maxDelayMs, budget.baseDelayMs * 2 ** (attempt - 1)) / 2;
  return total;
}
