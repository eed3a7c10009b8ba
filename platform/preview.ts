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

/** Longest error message sent to a client; longer ones are cut, whatever they quote. */
export const MAX_MESSAGE_CHARS = 1_000;

const LONG_QUOTED = new RegExp(`"((?:[^"\\\\]|\\\\.){${PREVIEW_CHARS + 1},})"`, 'g');

/**
 * An error message with every quoted text longer than `PREVIEW_CHARS` cut to its preview, and the
 * whole cut to `MAX_MESSAGE_CHARS`: graphql-js quotes an invalid variable value whole.
 */
export function shortenMessage(message: string): string {
  if (message.length <= PREVIEW_CHARS * 2) return message;
  const shortened = message.replace(
    LONG_QUOTED,
    (_match, inner: string) => `"${inner.slice(0, PREVIEW_CHARS)}…" (${inner.length} characters)`,
  );
  return shortened.length <= MAX_MESSAGE_CHARS ? shortened : `${shortened.slice(0, MAX_MESSAGE_CHARS)}…`;
}
