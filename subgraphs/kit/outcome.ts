import { userError, type ErrorCode } from './errors';

/** An expected failure of a use case: returned, not thrown, and turned into a GraphQL error at the edge. */
export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
  /** The input field the failure is about (BAD_USER_INPUT). */
  field?: string;
}

export type Outcome<T> = { ok: true; value: T } | Failure;

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });

export const failure = (code: ErrorCode, message: string, field?: string): Failure => ({ ok: false, code, message, field });

/** A bad input naming its field, as every mutation reports it. */
export const invalid = (field: string, message: string): Failure => failure('BAD_USER_INPUT', `${field}: ${message}`, field);

/** The value of a successful outcome, or the failure as a client-facing GraphQLError. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw userError(outcome.code, outcome.message, outcome.field ? { field: outcome.field } : {});
}
