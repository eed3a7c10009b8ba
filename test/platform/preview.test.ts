import { MAX_MESSAGE_CHARS, preview, PREVIEW_CHARS, shortenMessage } from '../../platform/preview';

describe('quoting client input in error messages', () => {
  it('quotes short input whole and long input as a prefix with its length', () => {
    expect(preview('M000001')).toBe('"M000001"');
    expect(preview('x'.repeat(900_000))).toBe(`"${'x'.repeat(PREVIEW_CHARS)}"… (900000 characters)`);
    expect(preview({ a: 'y'.repeat(100) })).toMatch(/^\{"a":"y+… \(108 characters of JSON\)$/);
    expect(preview(undefined)).toBe('undefined');
  });

  it("shortens the values graphql-js quotes whole in a variable's error", () => {
    const value = 'X'.repeat(300_000);
    const message = `Variable "$s" got invalid value "${value}" at "s[0]"; Value "${value}" does not exist in "CountStatus" enum.`;
    const short = shortenMessage(message);
    expect(short).toBe(
      `Variable "$s" got invalid value "${'X'.repeat(PREVIEW_CHARS)}…" (300000 characters) at "s[0]"; Value "${'X'.repeat(PREVIEW_CHARS)}…" (300000 characters) does not exist in "CountStatus" enum.`,
    );
  });

  it('keeps ordinary messages as they are and cuts any message at its limit', () => {
    const ordinary = 'input.materialId: lot "L00000001" is of material M000001, got "M000010"; expected the lot\'s own material';
    expect(shortenMessage(ordinary)).toBe(ordinary);
    const unquoted = `abc ${'z '.repeat(5_000)}`;
    expect(shortenMessage(unquoted).length).toBe(MAX_MESSAGE_CHARS + 1);
  });
});
