import { badInput } from '../kit/errors';

/** The trimmed text, or a BAD_USER_INPUT naming the field when it is blank. */
export function requireText(field: string, value: string | null | undefined): string {
  const text = (value ?? '').trim();
  if (!text) throw badInput(field, `expected a non-empty text, got ${JSON.stringify(value ?? null)}`);
  return text;
}

/** A finite number that is zero or more, or a BAD_USER_INPUT naming the field. */
export function requireNonNegative(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw badInput(field, `expected a number of zero or more, got ${value}`);
  return value;
}
