/**
 * Quantities and amounts as the databases store them: quantities in numeric(16, 3) columns,
 * amounts of money in numeric(16, 2). Rounding here, before any check, makes checks see the value
 * that will be stored.
 */

/**
 * Largest quantity an input may carry. numeric(16, 3) holds less than 1e13; anything from 1e12
 * up is a typing error, not stock, and leaves room for sums of such quantities.
 */
export const MAX_QUANTITY = 1e12;

/** Rounds to `decimals` decimal places, halves up, as the numeric columns do. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A quantity at the three decimals of its column. */
export const roundQuantity = (value: number): number => roundTo(value, 3);

/** An amount of money at the two decimals of its column. */
export const roundMoney = (value: number): number => roundTo(value, 2);

/** A quantity's problem, or null when it is a storable number at or above `min` (strictly above when `exclusive`). */
export function quantityProblem(value: number, min: number, exclusive = false): string | null {
  if (!Number.isFinite(value)) return `expected a number, got ${value}`;
  if (exclusive ? value <= min : value < min) return `expected a quantity ${exclusive ? '>' : '>='} ${min}, got ${value}`;
  if (value > MAX_QUANTITY) return `expected a quantity up to ${MAX_QUANTITY}, got ${value}`;
  return null;
}
