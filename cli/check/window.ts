import { durationMs } from '../../platform/duration';
import { StartupError } from '../../platform/listen';

/** A usage window such as `30d`, `12h` or `90m`, in milliseconds. */
export function parseWindow(raw: string): number {
  const ms = durationMs(raw);
  if (ms === undefined) throw new StartupError(`--window expects a positive duration such as 30d, 12h or 90m, got "${raw.slice(0, 20)}"`);
  return ms;
}
