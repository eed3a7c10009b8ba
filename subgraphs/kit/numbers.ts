/**
 * Quantities, amounts and measurements as the databases store them. Every numeric column that a
 * client's input reaches is of one of the types in NUMERIC_COLUMNS; rounding here, before any
 * check, makes checks see the value that will be stored.
 */

/** A numeric(precision, scale) column type and the largest magnitude it stores. */
export interface NumericColumn {
  precision: number;
  scale: number;
  /**
   * The largest whole magnitude the column stores: 10^(precision - scale) - 1. A value checked
   * against it still fits once rounded to the column's scale; PostgreSQL refuses one past it.
   */
  max: number;
}

function numericColumn(precision: number, scale: number): NumericColumn {
  return { precision, scale, max: 10 ** (precision - scale) - 1 };
}

/** The column types that store numbers clients send, by what they hold. */
export const NUMERIC_COLUMNS = {
  /** numeric(16, 3): every quantity (stock, blocked stock, lots, orders, counts, nonconforming quantities). */
  quantity: numericColumn(16, 3),
  /** numeric(16, 2): amounts of money in company currency (an adjustment's value). */
  money: numericColumn(16, 2),
  /** numeric(16, 4): measured values and the limits of inspection characteristics. */
  measurement: numericColumn(16, 4),
} as const;

/**
 * Largest quantity one input may carry, a tenth of what a numeric(16, 3) column holds: anything
 * from 1e12 up is a typing error, not stock, and sums of such quantities (a book and its
 * adjustments) still fit the column.
 */
export const MAX_QUANTITY = 1e12;

/** Rounds to `decimals` decimal places, halves up, as the numeric columns do. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A quantity at the three decimals of its column. */
export const roundQuantity = (value: number): number => roundTo(value, NUMERIC_COLUMNS.quantity.scale);

/** An amount of money at the two decimals of its column. */
export const roundMoney = (value: number): number => roundTo(value, NUMERIC_COLUMNS.money.scale);

/** A quantity's problem, or null when it is a storable number at or above `min` (strictly above when `exclusive`). */
export function quantityProblem(value: number, min: number, exclusive = false): string | null {
  if (!Number.isFinite(value)) return `expected a number, got ${value}`;
  if (exclusive ? value <= min : value < min) return `expected a quantity ${exclusive ? '>' : '>='} ${min}, got ${value}`;
  if (value > MAX_QUANTITY) return `expected a quantity up to ${MAX_QUANTITY}, got ${value}`;
  return null;
}

/** A change of a quantity's problem (it may be negative), or null when it is a number within ±MAX_QUANTITY. */
export function quantityChangeProblem(value: number): string | null {
  if (!Number.isFinite(value)) return `expected a number, got ${value}`;
  if (Math.abs(value) > MAX_QUANTITY) return `expected a quantity from -${MAX_QUANTITY} to ${MAX_QUANTITY}, got ${value}`;
  return null;
}

/** A measured value's problem, or null when it is a number its numeric(16, 4) column stores. */
export function measurementProblem(value: number | null | undefined): string | null {
  const { max } = NUMERIC_COLUMNS.measurement;
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= max) return null;
  return `expected a measured value within ±${max}, got ${JSON.stringify(value ?? null)}`;
}

/** Whether a quantity fits its numeric(16, 3) column (a book after a change, a sum of quantities). */
export const storableQuantity = (value: number): boolean => Math.abs(value) <= NUMERIC_COLUMNS.quantity.max;

/** Whether an amount of money fits its numeric(16, 2) column. */
export const storableMoney = (value: number): boolean => Math.abs(value) <= NUMERIC_COLUMNS.money.max;
