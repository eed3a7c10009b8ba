import { StartupError } from '../platform/listen';

/** How a command names itself in a refusal: `outbox: --system needs a value`, then a hint line. */
export interface OptionContext {
  command?: string;
  hint?: string;
}

/**
 * The value after `name` on a command line, or undefined when the option is absent; an option
 * given without a value (at the end, or followed by another `--option`) is refused.
 */
export function option(args: readonly string[], name: string, context: OptionContext = {}): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) {
    throw new StartupError(
      `${context.command ? `${context.command}: ` : ''}${name} needs a value${context.hint ? `\n${context.hint}` : ''}`,
    );
  }
  return value;
}
