import { roundQuantity } from '../../kit/numbers';

/** The counted quantity that stands for a task: the recount when there is one. */
export function effectiveCount(task: { countedQuantity: number | null; recountQuantity: number | null }): number | null {
  return task.recountQuantity ?? task.countedQuantity;
}

/** Counted minus book; null when there is no count. */
export function varianceQuantity(counted: number | null, book: number): number | null {
  if (counted === null) return null;
  return roundQuantity(counted - book);
}

/** |variance| / book within the tolerance (percent); a zero book tolerates only a zero count. */
export function isWithinTolerance(variance: number, book: number, tolerancePercent: number): boolean {
  if (book === 0) return variance === 0;
  return (Math.abs(variance) / book) * 100 <= tolerancePercent + 1e-9;
}
