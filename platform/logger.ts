import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON logger per process; `LOG_LEVEL` sets its level (default `info`, `silent` in tests). */
export function createLogger(name: string, env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info');
  return pino({ name, level });
}
