import { StartupError } from './listen';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A period such as `30d`, `12h`, `90m`, `30s` or `3600` (seconds) in milliseconds; undefined when malformed or zero. */
export function durationMs(raw: string): number | undefined {
  const match = /^(\d{1,9})\s*([smhd]?)$/.exec(raw.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] || 's']! : 0;
  return ms > 0 ? ms : undefined;
}

/** A duration setting in milliseconds; a bad value stops start-up naming the variable. */
export function parseDurationSetting(raw: string, name: string): number {
  const ms = durationMs(raw);
  if (ms === undefined)
    throw new StartupError(`${name} expects a positive duration such as 7d, 12h, 90m or 30s, got "${raw.slice(0, 20)}"`);
  return ms;
}
