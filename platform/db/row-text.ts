import { BufferReader } from 'pg-protocol/dist/buffer-reader';

/**
 * The text of a result row read in one piece.
 *
 * pg-protocol reads each value of a row with its own `buffer.toString('utf-8', start, end)`: one
 * call into Node's C++ per value, and a page of 1,300 audits and their findings has about 20,000
 * values, mostly short identifiers, codes and numbers. That was 15 % of the audits subgraph's CPU
 * on q05 at scale 10. Here the first value read from a message decodes the whole rest of the
 * message at once as Latin-1 (one call), and each value whose bytes are all ASCII (below 0x80:
 * the same characters in Latin-1 as in UTF-8) is cut out of that text in JavaScript. A value
 * with any other byte, and every value of a message larger than `MAX_MESSAGE_BYTES`, is decoded
 * as pg-protocol decodes it. The strings are the same; only how they are made changes.
 *
 * It replaces two methods of pg-protocol's `BufferReader` (shipped with pg, not part of its
 * published interface), which the parser calls for each message (`setBuffer`, with the offset
 * just after the message's code and length) and each value (`string`);
 * `test/platform/db/row-text.test.ts` fails when a version of pg-protocol changes either.
 */

/**
 * Largest message read in one piece: a value cut out of the message's text keeps that text alive
 * as long as the value lives, which for a row of a few hundred bytes is the row's own size.
 */
export const MAX_MESSAGE_BYTES = 8_192;

interface Reader {
  offset: number;
  buffer: Buffer;
  encoding: string;
  setBuffer(offset: number, buffer: Buffer): void;
  string(length: number): string;
}

/** What this module keeps on a reader: the current message's end, and its text once decoded. */
interface OnePassReader extends Reader {
  messageEnd: number;
  textStart: number;
  text: string | undefined;
}

const prototype = BufferReader.prototype as unknown as Reader;
const originalSetBuffer = prototype.setBuffer;
const originalString = prototype.string;

function setBuffer(this: OnePassReader, offset: number, buffer: Buffer): void {
  originalSetBuffer.call(this, offset, buffer);
  this.text = undefined;
  this.messageEnd = -1;
  // The parser hands each message over at its body, after the 1-byte code and the 4-byte length,
  // which counts itself and the body.
  if (offset < 4 || offset > buffer.length) return;
  const end = offset - 4 + buffer.readUInt32BE(offset - 4);
  if (end <= buffer.length && end - offset <= MAX_MESSAGE_BYTES) this.messageEnd = end;
}

function string(this: OnePassReader, length: number): string {
  const buffer = this.buffer;
  const start = this.offset;
  const end = start + length;
  if (end <= this.messageEnd && this.encoding === 'utf-8') {
    let bits = 0;
    for (let i = start; i < end; i++) bits |= buffer[i]!;
    if ((bits & 0x80) === 0) {
      let text = this.text;
      if (text === undefined) {
        this.textStart = start;
        text = this.text = buffer.toString('latin1', start, this.messageEnd);
      }
      this.offset = end;
      return text.substring(start - this.textStart, end - this.textStart);
    }
  }
  return originalString.call(this, length);
}

/** Whether pg-protocol's reader has the two methods, taking what this module expects. */
function readerHasExpectedShape(): boolean {
  return (
    typeof originalSetBuffer === 'function' &&
    originalSetBuffer.length === 2 &&
    typeof originalString === 'function' &&
    originalString.length === 1
  );
}

/** Reads row text in one pass from now on (every pg connection of the process); false when pg-protocol's reader is not the one expected. */
export function readRowTextInOnePass(): boolean {
  if (!readerHasExpectedShape()) return false;
  prototype.setBuffer = setBuffer as Reader['setBuffer'];
  prototype.string = string as Reader['string'];
  return true;
}

/** Back to pg-protocol's own reading (tests compare the two). */
export function readRowTextByValue(): void {
  prototype.setBuffer = originalSetBuffer;
  prototype.string = originalString;
}

/** Whether rows are read in one pass now. */
export function readsRowTextInOnePass(): boolean {
  return prototype.string === (string as Reader['string']);
}
