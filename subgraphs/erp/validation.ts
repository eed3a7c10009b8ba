import { MAX_QUANTITY, roundQuantity } from '../kit/numbers';
import { invalid, type Failure } from '../kit/outcome';

/** Upper bound of stock figures (numeric(16, 3) columns hold less than 1e13). */
export const MAX_STOCK = 1e13 - 1;

/** Upper bound of values in company currency (numeric(16, 2) columns hold less than 1e14). */
export const MAX_VALUE = 1e14 - 1;

/** A required identifier: present, not blank, at most 100 characters. */
export function checkId(field: string, value: string): Failure | null {
  if (!value || !value.trim()) return invalid(field, 'expected an identifier, got an empty string');
  if (value.length > 100) return invalid(field, `expected at most 100 characters, got ${value.length}`);
  return null;
}

/** A quantity within what the books hold. */
export function checkQuantity(field: string, value: number, { positive }: { positive: boolean }): Failure | null {
  if (!Number.isFinite(value) || Math.abs(value) >= MAX_QUANTITY)
    return invalid(field, `expected a quantity below ${MAX_QUANTITY}, got ${value}`);
  if (positive && roundQuantity(value) <= 0) return invalid(field, `expected a quantity greater than 0, got ${value}`);
  return null;
}
