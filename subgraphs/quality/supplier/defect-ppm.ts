import { roundTo } from '../../kit/numbers';

/** Rejected per million received, to one decimal; null when nothing was received. */
export function defectPpm(rejected: number, received: number): number | null {
  if (!(received > 0)) return null;
  return roundTo((rejected / received) * 1e6, 1);
}
