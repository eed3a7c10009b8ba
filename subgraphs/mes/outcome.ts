/** Largest quantity the database holds (numeric(16, 3)). */
export const MAX_QUANTITY = 1e12;

/** Rounds to the database's three decimals, so checks see the value that will be stored. */
export function roundQuantity(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A quantity's problem, or null when it is a storable number at or above `min` (strictly above when `exclusive`). */
export function quantityProblem(value: number, min: number, exclusive = false): string | null {
  if (!Number.isFinite(value)) return `expected a number, got ${value}`;
  if (exclusive ? value <= min : value < min) return `expected a quantity ${exclusive ? '>' : '>='} ${min}, got ${value}`;
  if (value > MAX_QUANTITY) return `expected a quantity up to ${MAX_QUANTITY}, got ${value}`;
  return null;
}
