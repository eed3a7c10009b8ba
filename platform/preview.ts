/** Longest prefix of client input an error message quotes. */
export const PREVIEW_CHARS = 40;

/**
 * Client input as an error message may quote it: JSON, cut to its first `PREVIEW_CHARS`
 * characters with the full length named, so a refusal never sends a large input back.
 */
export function preview(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= PREVIEW_CHARS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, PREVIEW_CHARS))}… (${value.length} characters)`;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return String(typeof value);
  return text.length <= PREVIEW_CHARS ? text : `${text.slice(0, PREVIEW_CHARS)}… (${text.length} characters of JSON)`;
}
