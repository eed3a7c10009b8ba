import { unwrap } from '../../../subgraphs/kit/outcome';
import { blankText, optionalText, requireText } from '../../../subgraphs/kit/validation';

describe('kit text helpers', () => {
  it('requireText trims and refuses a blank or absent text naming the field', () => {
    expect(requireText('auditor', '  Ana ')).toEqual({ ok: true, value: 'Ana' });
    for (const value of ['   ', '', null, undefined]) {
      const outcome = requireText('auditor', value);
      expect(outcome).toMatchObject({ ok: false, code: 'BAD_USER_INPUT', field: 'auditor' });
      expect(() => unwrap(outcome)).toThrow(/^auditor: expected a non-empty text, got /);
    }
    expect(requireText('auditor', ' \t')).toMatchObject({ message: 'auditor: expected a non-empty text, got " \\t"' });
  });

  it('blankText refuses a blank or absent identifier and passes one as sent, padding and all', () => {
    expect(blankText('materialId', ' M000001 ')).toBeNull();
    expect(blankText('materialId', 'M000001')).toBeNull();
    for (const value of ['', '  ', null, undefined]) {
      expect(blankText('materialId', value)).toMatchObject({ ok: false, code: 'BAD_USER_INPUT', field: 'materialId' });
    }
  });

  it('optionalText trims and turns a blank or absent text into null', () => {
    expect(optionalText(' LOT-1 ')).toBe('LOT-1');
    expect(optionalText('  ')).toBeNull();
    expect(optionalText(null)).toBeNull();
    expect(optionalText(undefined)).toBeNull();
  });
});
