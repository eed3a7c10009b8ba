/** A one-line progress bar on stderr (plain lines when stderr is not a terminal). */
export interface Progress {
  step(label: string, done: number, total: number): void;
  finish(message: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY);
  let lastLabel = '';
  return {
    step(label, done, total) {
      const ratio = total === 0 ? 1 : Math.min(1, done / total);
      if (tty) {
        const width = 30;
        const filled = Math.round(ratio * width);
        stream.write(
          `\r${label.padEnd(28)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`,
        );
      } else if (label !== lastLabel && done === 0) {
        stream.write(`${label} …\n`);
      }
      lastLabel = label;
    },
    finish(message) {
      if (tty) stream.write('\r\x1b[K');
      stream.write(`${message}\n`);
    },
  };
}

/** A progress that prints nothing (tests, library use). */
export const silentProgress: Progress = { step: () => undefined, finish: () => undefined };
