import { invalid, type Failure } from '../kit/outcome';

/** Upper bound of quantities the numeric(16, 3) columns hold. */
export const MAX_QUANTITY = 1e12;

/** Rounds to the book's precision (three decimals), so float noise from callers does not matter. */
export const toBookPrecision = (value: number) => Math.round(value * 1000) / 1000;

/** A required identifier: present, not blank, at most 100 characters. */
export function checkId(field: string, value: string): Failure | null {
  if (!value || !value.trim()) return invalid(field, 'expected an identifier, got an empty string');
  if (value.length > 100) return invalid(field, `expected at most 100 characters, got ${value.length}`);
  return null;
}

/** A quantity within what the books hold. */
export function checkQuantity(field: string, value: number, { positive }: { positive: boolean }): Failure | null {
  if (!Number.isFinite(value) || Math.abs(value) >= MAX_QUANTITY) return invalid(field, `expected a quantity below ${MAX_QUANTITY}, got ${value}`);
  if (positive && toBookPrecision(value) <= 0) return invalid(field, `expected a quantity greater than 0, got ${value}`);
  return null;
}

/** The first failure of a list of checks, if any. */
export function firstFailure(...checks: (Failure | null)[]): Failure | null {
  return checks.find((c): c is Failure => c !== null) ?? null;
}
