import { DEFAULT_CHANGE_CHANNEL } from '../../platform/change-bus';
import { StartupError } from '../../platform/listen';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from './live-executor';

export interface LiveConfig {
  readonly limits: LiveLimits;
  /** `REDIS_URL`: the change bus every replica listens on; events stay in this process without it. */
  readonly redisUrl?: string;
  /** `CHANGE_EVENTS_CHANNEL` (default `plantgraph:changes`): the Redis channel of the change bus. */
  readonly channel: string;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new StartupError(`${name} must be a whole number of at least 1, got "${raw.slice(0, 20)}"`);
  return value;
}

/** Reads `LIVE_MAX_SUBSCRIPTIONS`, `LIVE_MAX_EVENTS_PER_SECOND`, `LIVE_BUFFER`, `CHANGE_EVENTS_CHANNEL` and `REDIS_URL`. */
export function loadLiveConfig(env: NodeJS.ProcessEnv = process.env): LiveConfig {
  return Object.freeze({
    limits: Object.freeze({
      maxSubscriptionsPerCaller: positiveInteger(env, 'LIVE_MAX_SUBSCRIPTIONS', DEFAULT_LIVE_LIMITS.maxSubscriptionsPerCaller),
      maxEventsPerSecondPerCaller: positiveInteger(env, 'LIVE_MAX_EVENTS_PER_SECOND', DEFAULT_LIVE_LIMITS.maxEventsPerSecondPerCaller),
      maxBufferedPerSubscriber: positiveInteger(env, 'LIVE_BUFFER', DEFAULT_LIVE_LIMITS.maxBufferedPerSubscriber),
    }),
    redisUrl: env.REDIS_URL || undefined,
    channel: env.CHANGE_EVENTS_CHANNEL || DEFAULT_CHANGE_CHANNEL,
  });
}
