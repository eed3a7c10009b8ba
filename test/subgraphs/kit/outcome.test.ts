import { GraphQLError } from 'graphql';
import { failure, firstFailure, invalid, invalidIf, missing, success, unwrap } from '../../../subgraphs/kit/outcome';

function thrown(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (err) {
    return err as GraphQLError;
  }
  throw new Error('expected a GraphQLError');
}

describe('kit outcome', () => {
  it('unwraps a success to its value', () => {
    expect(unwrap(success(42))).toBe(42);
  });

  it('reports a bad input with its field in the message and the extensions', () => {
    const err = thrown(() => unwrap(invalid('input.quantity', 'expected a number, got NaN')));
    expect(err.message).toBe('input.quantity: expected a number, got NaN');
    expect(err.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.quantity' });
  });

  it('reports a missing entity as notFound does: its type and id', () => {
    const err = thrown(() => unwrap(missing('WorkCenter', 'WC-9')));
    expect(err.message).toBe('WorkCenter "WC-9" does not exist');
    expect(err.extensions).toEqual({ code: 'NOT_FOUND', type: 'WorkCenter', id: 'WC-9' });
  });

  it('carries extra extensions beside the code', () => {
    const err = thrown(() => unwrap(failure('INVALID_STATE', 'not now', undefined, { status: 'POSTED' })));
    expect(err.extensions).toEqual({ code: 'INVALID_STATE', status: 'POSTED' });
  });

  it("turns a check's problem into a bad input naming the field, and no problem into null", () => {
    expect(invalidIf('quantity', null)).toBeNull();
    expect(invalidIf('quantity', 'expected a quantity > 0, got 0')).toEqual(invalid('quantity', 'expected a quantity > 0, got 0'));
  });

  it('firstFailure answers the first failed check, in the order given', () => {
    expect(firstFailure(null, null)).toBeNull();
    const first = invalid('a', 'first');
    expect(firstFailure(null, first, invalid('b', 'second'))).toBe(first);
  });
});
