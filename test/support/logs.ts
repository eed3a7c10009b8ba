import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../platform/logger';

/** A JSON log line as pino writes it. */
export type LogLine = Record<string, any>;

/** A pino logger whose JSON lines the test reads back from `lines` (a new array unless one is given). */
export function capturingLogger(options: { name?: string; level?: string; lines?: LogLine[] } = {}): { logger: Logger; lines: LogLine[] } {
  const { name, level = 'debug', lines = [] } = options;
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ ...(name === undefined ? {} : { name }), level }, stream), lines };
}
