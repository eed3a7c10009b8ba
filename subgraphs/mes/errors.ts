import { badInput, notFound, userError } from '../kit/errors';
import type { Outcome } from './outcome';

/** The value of a successful outcome, or the GraphQL error the client sees for a failed one. */
export function valueOrThrow<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { failure } = outcome;
  switch (failure.code) {
    case 'NOT_FOUND':
      throw notFound(failure.type, failure.id);
    case 'BAD_USER_INPUT':
      throw badInput(failure.field, failure.message);
    default:
      throw userError(failure.code, failure.message);
  }
}
