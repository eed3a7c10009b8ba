/** One answer a subscription delivered. */
export type LiveResult = {
  data?: any;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
};

const pause = () => new Promise((r) => setTimeout(r, 25));

/**
 * Collects what one subscription receives (its `sink` goes to a graphql-ws or graphql-sse
 * client's `subscribe`), and waits for what a test expects.
 */
export class Inbox {
  readonly results: LiveResult[] = [];
  error: unknown;
  completed = false;
  readonly sink = {
    next: (value: unknown) => void this.results.push(value as LiveResult),
    error: (err: unknown) => void (this.error = err),
    complete: () => void (this.completed = true),
  };

  /** Waits until `done` holds, whatever else arrives or ends meanwhile. */
  async until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
    const started = Date.now();
    while (!done()) {
      if (Date.now() - started > timeoutMs)
        throw new Error(
          `${what}: not within ${timeoutMs} ms; got ${JSON.stringify({ results: this.results, error: this.error, completed: this.completed })}`,
        );
      await pause();
    }
  }

  /** Waits until the results hold what `found` looks for; fails at once if the subscription ends first. */
  async waitFor(what: string, found: (results: LiveResult[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const started = Date.now();
    while (!found(this.results)) {
      if (this.error || this.completed)
        throw new Error(
          `${what}: the subscription ended first (${JSON.stringify(this.error ?? 'complete')}), after ${JSON.stringify(this.results)}`,
        );
      if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms; got ${JSON.stringify(this.results)}`);
      await pause();
    }
  }

  /** Waits until the subscription has ended, with an error or complete. */
  async ended(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (!this.error && !this.completed) {
      if (Date.now() - started > timeoutMs) throw new Error(`the subscription did not end within ${timeoutMs} ms`);
      await pause();
    }
  }
}
