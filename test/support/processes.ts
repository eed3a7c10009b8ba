import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

export interface NodeProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output, failing after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<number | null>;
  /** Sends a signal (SIGTERM by default) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a built entry point (`dist/...js`) as its own process, capturing its output. */
export function runNode(script: string, env: Record<string, string | undefined>): NodeProcess {
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async waitFor(pattern, timeoutMs = 30_000) {
      const started = Date.now();
      for (;;) {
        const match = output.match(pattern);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}) before ${pattern}:\n${output}`);
        if (Date.now() - started > timeoutMs) throw new Error(`${script}: no ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts a built subgraph and returns its process and URL once it listens. */
export async function startSubgraphProcess(
  system: string,
  env: Record<string, string>,
): Promise<{ proc: NodeProcess; url: string; port: number }> {
  const proc = runNode(`dist/subgraphs/${system}/index.js`, { HOST: '127.0.0.1', PORT: '0', ...env });
  const [, url, port] = await proc.waitFor(/"url":"(http:\/\/127\.0\.0\.1:(\d+)\/graphql)"/);
  return { proc, url: url!, port: Number(port) };
}
