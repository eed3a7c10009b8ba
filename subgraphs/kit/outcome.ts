import type { Kysely, Transaction } from 'kysely';
import { transact } from '../../platform/db/transact';
import { userError, type ErrorCode } from './errors';

/** An expected failure of a use case: returned, not thrown, and turned into a GraphQL error at the edge. */
export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
  /** The input field the failure is about (BAD_USER_INPUT). */
  field?: string;
  /** More facts for the client beside the code, e.g. the entity a NOT_FOUND is about or the status that refused a step. */
  extensions?: Record<string, unknown>;
}

export type Outcome<T> = { ok: true; value: T } | Failure;

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });

export const failure = (code: ErrorCode, message: string, field?: string, extensions?: Record<string, unknown>): Failure => ({
  ok: false,
  code,
  message,
  field,
  extensions,
});

/** A bad input naming its field, as every mutation reports it. */
export const invalid = (field: string, message: string): Failure => failure('BAD_USER_INPUT', `${field}: ${message}`, field);

/** A bad input naming its field when a check found a problem (e.g. `quantityProblem`'s answer), else null. */
export const invalidIf = (field: string, problem: string | null): Failure | null => (problem === null ? null : invalid(field, problem));

/** An entity that does not exist, worded and tagged as `notFound` in errors.ts. */
export const missing = (type: string, id: string): Failure =>
  failure('NOT_FOUND', `${type} "${id}" does not exist`, undefined, { type, id });

/** A step the entity's status does not allow, tagged with that status (INVALID_STATE). */
export const invalidState = (message: string, status: string): Failure => failure('INVALID_STATE', message, undefined, { status });

/** The first failure of a list of checks, if any. */
export function firstFailure(...checks: (Failure | null)[]): Failure | null {
  return checks.find((c): c is Failure => c !== null) ?? null;
}

/** The value of a successful outcome, or the failure as a client-facing GraphQLError. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw userError(outcome.code, outcome.message, {
    ...(outcome.field ? { field: outcome.field } : {}),
    ...outcome.extensions,
  });
}

class Rollback extends Error {
  constructor(readonly failure: Failure) {
    super(failure.code);
  }
}

/** Runs `work` in one transaction; a failed outcome rolls everything back, so nothing is half-written. */
export async function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await transact(db, async (trx) => {
      const outcome = await work(trx);
      if (!outcome.ok) throw new Rollback(outcome);
      return outcome;
    });
  } catch (err) {
    if (err instanceof Rollback) return err.failure;
    throw err;
  }
}
