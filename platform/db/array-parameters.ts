/**
 * Text arrays as parameters, written as PostgreSQL array literals in one pass.
 *
 * Batched lookups bind their keys as one array (`"id" = any($1)`, key-arrays.ts), and a page of
 * a thousand audits makes a batch of a thousand keys. pg writes such an array element by element,
 * running two regular-expression replacements on each key and concatenating the literal a piece
 * at a time. Keys are plain identifiers: when no element holds a quote or a backslash, quoting
 * every element and joining them gives the literal pg would write, character for character
 * (`{"AU0000001","AU0000002"}`, `{}` when empty). Any other array (nulls, numbers, nested arrays,
 * elements that need escaping) is left to pg.
 */
export function arrayLiteral(values: readonly unknown[]): string | undefined {
  if (values.length === 0) return '{}';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'string' || value.includes('"') || value.includes('\\')) return undefined;
  }
  return `{"${values.join('","')}"}`;
}

/** The statement's parameters with every text array written as its literal (the same array when there is none). */
export function withArrayLiterals(parameters: readonly unknown[]): readonly unknown[] {
  let encoded: unknown[] | undefined;
  for (let i = 0; i < parameters.length; i++) {
    const value = parameters[i];
    if (!Array.isArray(value)) continue;
    const literal = arrayLiteral(value);
    if (literal === undefined) continue;
    encoded ??= [...parameters];
    encoded[i] = literal;
  }
  return encoded ?? parameters;
}
