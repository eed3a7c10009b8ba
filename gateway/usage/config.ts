import { durationMs } from '../../platform/duration';
import { StartupError } from '../../platform/listen';

export interface UsageConfig {
  /** `USAGE`: `on` (default) records operations and fields into the gateway database; `off` records nothing. */
  readonly enabled: boolean;
  /** `USAGE_RETENTION` (default `30d`): rows older than this are deleted by the flusher. */
  readonly retentionMs: number;
}

/** Reads `USAGE` and `USAGE_RETENTION`, naming the variable when a value is wrong. */
export function loadUsageConfig(env: NodeJS.ProcessEnv = process.env): UsageConfig {
  const rawUsage = (env.USAGE || 'on').toLowerCase();
  if (rawUsage !== 'on' && rawUsage !== 'off')
    throw new StartupError(`USAGE must be "on" (the default) or "off", got "${rawUsage.slice(0, 20)}"`);
  const rawRetention = env.USAGE_RETENTION || '30d';
  const retentionMs = durationMs(rawRetention);
  if (!retentionMs) throw new StartupError(`USAGE_RETENTION must be a period such as 30d, 12h or 90m, got "${rawRetention.slice(0, 40)}"`);
  return Object.freeze({ enabled: rawUsage === 'on', retentionMs });
}
