/**
 * `timestamptz` text as PostgreSQL sends it with the ISO date style
 * (`2026-03-01 08:15:00.123456+00`, `… -05`, `… +05:30`), read into the same Date as pg's own
 * parser (postgres-date) makes, without its regular expressions: a page of a thousand rows
 * carries several timestamps per row. Text of any other shape (years before 100 or after 9999,
 * BC, `infinity`, an offset with seconds) goes to `fallback`, pg's parser.
 */
export function timestamptzParser(fallback: (text: string) => unknown): (text: string) => unknown {
  return (text: string) => {
    const instant = parseIsoTimestamptz(text);
    return instant === undefined ? fallback(text) : new Date(instant);
  };
}

const ZERO = 48;
const MS_PER_DAY = 86_400_000;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Two decimal digits at `at`, or NaN. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - ZERO;
  const units = text.charCodeAt(at + 1) - ZERO;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : NaN;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * Milliseconds since the epoch of `YYYY-MM-DD HH:MM:SS[.fraction](+|-)HH[:MM]`, or undefined for
 * any other shape. The same number as postgres-date's `Date.UTC(…, 1000 * parseFloat(fraction))`
 * minus the offset: Date.UTC truncates the milliseconds, and `digits / 10 ** n` is the double that
 * parsing `.digits` gives (both are the correctly rounded value of the same decimal).
 */
export function parseIsoTimestamptz(text: string): number | undefined {
  const length = text.length;
  if (length < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32) return undefined;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  // Years 0-99 would be read as 1900-1999 by Date.UTC: pg's parser corrects them, so they go there.
  if (!(year >= 100) || !(month >= 1 && month <= 12) || !(day >= 1 && day <= DAYS_IN_MONTH[month - 1]!)) return undefined;
  if (month === 2 && day === 29 && (year % 4 !== 0 || (year % 100 === 0 && year % 400 !== 0))) return undefined;
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return undefined;
  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === 46) {
    let digits = 0;
    let end = at + 1;
    while (end < length) {
      const digit = text.charCodeAt(end) - ZERO;
      if (digit < 0 || digit > 9) break;
      digits = digits * 10 + digit;
      end += 1;
    }
    const count = end - at - 1;
    if (count === 0 || count >= POWERS_OF_TEN.length) return undefined;
    ms = Math.trunc(1000 * (digits / POWERS_OF_TEN[count]!));
    at = end;
  }
  const sign = text.charCodeAt(at);
  if (sign !== 43 && sign !== 45) return undefined;
  const offsetHours = twoDigits(text, at + 1);
  let offsetMinutes = 0;
  if (length === at + 6 && text.charCodeAt(at + 3) === 58) offsetMinutes = twoDigits(text, at + 4);
  else if (length !== at + 3) return undefined;
  if (Number.isNaN(offsetHours + offsetMinutes)) return undefined;
  const offset = (offsetHours * 3600 + offsetMinutes * 60) * 1000 * (sign === 45 ? -1 : 1);
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms - offset;
}
