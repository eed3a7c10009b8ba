import { GraphQLError } from 'graphql';
import { optionalText, requireText } from '../../../subgraphs/kit/validation';

describe('kit text helpers', () => {
  it('requireText trims and refuses a blank or absent text naming the field', () => {
    expect(requireText('auditor', '  Ana ')).toBe('Ana');
    for (const value of ['   ', '', null, undefined]) {
      let err: unknown;
      try {
        requireText('auditor', value);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GraphQLError);
      expect((err as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'auditor' });
      expect((err as GraphQLError).message).toMatch(/^auditor: expected a non-empty text, got /);
    }
  });

  it('optionalText trims and turns a blank or absent text into null', () => {
    expect(optionalText(' LOT-1 ')).toBe('LOT-1');
    expect(optionalText('  ')).toBeNull();
    expect(optionalText(null)).toBeNull();
    expect(optionalText(undefined)).toBeNull();
  });
});
