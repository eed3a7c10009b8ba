import { badInput } from '../kit/errors';

/** The largest magnitude the numeric columns store (16 digits, 4 of them decimals). */
export const MAX_STORABLE = 999_999_999_999;

/** A finite number that is zero or more and fits its column, or a BAD_USER_INPUT naming the field. */
export function requireNonNegative(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > MAX_STORABLE)
    throw badInput(field, `expected a number from 0 to ${MAX_STORABLE}, got ${value}`);
  return value;
}
