import { StartupError } from './listen';

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration setting such as `7d`, `12h`, `90m` or `30s`, in milliseconds; a bad value stops start-up naming the variable. */
export function parseDurationSetting(raw: string, name: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(raw.trim());
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount === 0) throw new StartupError(`${name} expects a positive duration such as 7d, 12h, 90m or 30s, got "${raw.slice(0, 20)}"`);
  return amount * UNITS[match[2]!]!;
}
