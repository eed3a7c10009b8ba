import pg from 'pg';
import { parseIsoTimestamptz, timestamptzParser } from '../../../platform/db/timestamps';

// pg's own parser (postgres-date): this file does not load platform/db/database.ts, which replaces it.
const parsePostgresDate = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => unknown;

/** `timestamptz` text as PostgreSQL writes it with the ISO date style, in a zone `offsetMinutes` east of UTC. */
function pgText(instant: number, fractionDigits: number, offsetMinutes: number): string {
  const local = new Date(instant + offsetMinutes * 60_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const millis = ((instant % 1000) + 1000) % 1000;
  const micros = pad(millis * 1000 + (((instant % 7) + 7) % 7) * 111, 6);
  const fraction = fractionDigits ? `.${micros.slice(0, fractionDigits)}` : '';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${pad(Math.floor(abs / 60))}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${zone}`
  );
}

describe('timestamptz text read without regular expressions', () => {
  it("makes the same instant as pg's own parser for every fraction width and offset", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const offsets = [0, -300, 330, 840, -570, 60, -720, 345];
    let compared = 0;
    for (let i = 0; i < 5000; i++) {
      const instant = Math.floor(Date.UTC(1900, 0, 1) + random() * (Date.UTC(2200, 0, 1) - Date.UTC(1900, 0, 1)));
      const text = pgText(instant, i % 7, offsets[i % offsets.length]!);
      const expected = (parsePostgresDate(text) as Date).getTime();
      expect([text, parseIsoTimestamptz(text)]).toEqual([text, expected]);
      compared += 1;
    }
    expect(compared).toBe(5000);
  });

  it('agrees on fractions whose millisecond is a floating-point edge', () => {
    const fractions = ['.0099999', '.999999', '.123456'];
    // Every fraction of one to three digits, and each as six digits: 1000 × ms may fall just short of a whole number.
    for (let n = 0; n < 1000; n++) {
      const three = String(n).padStart(3, '0');
      fractions.push(`.${three}`, `.${three}000`, `.${three.slice(0, 2)}`, `.${three.slice(0, 1)}`);
    }
    for (const fraction of fractions) {
      const text = `2026-03-01 08:15:00${fraction}+00`;
      expect(parseIsoTimestamptz(text)).toBe((parsePostgresDate(text) as Date).getTime());
    }
  });

  it('hands any other shape to the fallback', () => {
    const fallback = jest.fn((text: string) => `fallback:${text}`);
    const parse = timestamptzParser(fallback);
    for (const text of [
      'infinity',
      '-infinity',
      '0050-01-01 00:00:00+00',
      '2026-03-01 08:15:00+00 BC',
      '12026-03-01 08:15:00+00',
      '2026-03-01 08:15:00+05:30:15',
      '2026-03-01T08:15:00Z',
      '2026-03-01 08:15:00',
      '2026-03-01 08:15:00.+00',
      '2026-13-01 08:15:00+00x',
    ]) {
      expect(parse(text)).toBe(`fallback:${text}`);
    }
    expect(parse('2026-03-01 08:15:00.5-02')).toEqual(new Date('2026-03-01T10:15:00.500Z'));
  });
});
