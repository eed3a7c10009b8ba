import { StartupError } from '../../platform/listen';

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A usage window such as `30d`, `12h` or `90m`, in milliseconds. */
export function parseWindow(raw: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(raw);
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount === 0) throw new StartupError(`--window expects a positive duration such as 30d, 12h or 90m, got "${raw.slice(0, 20)}"`);
  return amount * UNITS[match[2]!]!;
}
