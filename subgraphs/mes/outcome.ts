import type { Kysely, Transaction } from 'kysely';
import type { MesDatabase } from './db';
import { transact } from '../../platform/db/transact';

/** Why a command did not happen; expected failures travel as values, not exceptions. */
export type Failure =
  | { code: 'NOT_FOUND'; type: string; id: string }
  | { code: 'BAD_USER_INPUT'; field: string; message: string }
  | { code: 'INVALID_STATE' | 'CONFLICT'; message: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** A successful outcome. */
export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
/** A failed outcome; inside `inTransaction` it rolls the transaction back. */
export const fail = (failure: Failure): Outcome<never> => ({ ok: false, failure });

class Rollback extends Error {
  constructor(readonly failure: Failure) {
    super(failure.code);
  }
}

/** Runs `work` in one transaction; a failed outcome rolls everything back, so nothing is half-written. */
export async function inTransaction<T>(
  db: Kysely<MesDatabase>,
  work: (trx: Transaction<MesDatabase>) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  try {
    return await transact(db, async (trx) => {
      const outcome = await work(trx);
      if (!outcome.ok) throw new Rollback(outcome.failure);
      return outcome;
    });
  } catch (err) {
    if (err instanceof Rollback) return fail(err.failure);
    throw err;
  }
}

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
