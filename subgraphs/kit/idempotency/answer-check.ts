/** One way an owner's answer differs from what the command asked. */
export interface AnswerMismatch {
  field: string;
  asked: unknown;
  answered: unknown;
}

/** Quantities are kept to three decimals: a difference below half of the last one is rounding. */
const QUANTITY_TOLERANCE = 0.0005 + 1e-9;

function same(asked: unknown, answered: unknown): boolean {
  if (typeof asked === 'number' && typeof answered === 'number') return Math.abs(asked - answered) <= QUANTITY_TOLERANCE;
  return asked === answered;
}

/**
 * The fields where an owner's answer (a posting) disagrees with the command it answers. A field
 * the answer does not carry is not compared (commands sent before the answer was asked for it).
 */
export function answerMismatches(asked: Record<string, unknown>, answered: Record<string, unknown>): AnswerMismatch[] {
  return Object.entries(asked)
    .filter(([field]) => answered[field] !== undefined)
    .filter(([field, value]) => !same(value, answered[field]))
    .map(([field, value]) => ({ field, asked: value, answered: answered[field] }));
}

/** "quantityDelta: asked 5, answered 7; …" for a parked command's error. */
export function describeMismatches(mismatches: readonly AnswerMismatch[]): string {
  const short = (value: unknown) => JSON.stringify(value)?.slice(0, 40) ?? String(value);
  return mismatches.map((m) => `${m.field}: asked ${short(m.asked)}, answered ${short(m.answered)}`).join('; ');
}
