import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { dbQueriesTotal } from '../metrics';
import { StartupError } from '../listen';
import { createLogger, type Logger } from '../logger';
import { CamelCaseColumns, camelCasePool } from './camel-case';
import { dbConnectionErrorsTotal } from './connection-metrics';
import { readRowTextInOnePass } from './row-text';
import { timestamptzParser } from './timestamps';

// NUMERIC and BIGINT come back as JavaScript numbers: quantities here stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// DATE stays the "YYYY-MM-DD" string it is, never a local-midnight Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// TIMESTAMPTZ: the same Date as pg's parser makes, read without regular expressions (timestamps.ts).
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, timestamptzParser(pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ)));
// Each row's values are decoded in one call instead of one call per value (row-text.ts).
readRowTextInOnePass();

export interface Database<T> {
  readonly system: string;
  readonly db: Kysely<T>;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * Most connections the pool opens.
   * @default 10
   */
  maxConnections?: number;
  /**
   * Where lost connections are reported.
   * @default a logger named after the system, created when the first connection is lost
   */
  logger?: Logger;
}

/** One Kysely instance per system database; counts every statement as `plantgraph_db_queries_total{system}`. */
export function createDatabase<T>(system: string, url: string, options: DatabaseOptions = {}): Database<T> {
  // JIT compilation off for every session: a statement whose estimated cost passes jit_above_cost
  // (the recursive genealogy walk does) spent 15-200 ms compiling to run in under 20 ms. A
  // connection string's own `options` still win.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    options: '-c jit=off',
  });
  watchConnections(system, pool, options.logger);
  const counter = dbQueriesTotal.labels(system);
  // camelCase in the code, snake_case in the database; pg builds the rows under their camelCase
  // names, with no second copy of each row (camel-case.ts).
  const columns = new CamelCaseColumns();
  const db = new Kysely<T>({
    dialect: new PostgresDialect({ pool: camelCasePool(pool, columns) }),
    plugins: [columns],
    log: () => counter.inc(),
  });
  return {
    system,
    db,
    pool,
    close: () => db.destroy(),
  };
}

/**
 * Keeps a lost connection (a server restart, a failover, `pg_terminate_backend`) from crashing the
 * process. The pool listens only to its idle clients; a client that is checked out (in a
 * transaction, or held while a relay waits for the gateway) emits 'error' with nobody listening,
 * which Node turns into an uncaught exception. Every client gets its own listener here; the query
 * in progress fails and its caller retries, and the pool discards the client and opens a new one.
 */
function watchConnections(system: string, pool: pg.Pool, logger: Logger | undefined): void {
  let log = logger;
  pool.on('connect', (client) =>
    client.on('error', (err: Error & { code?: string }) => {
      dbConnectionErrorsTotal.labels(system).inc();
      log ??= createLogger(system);
      log.warn({ system, code: err.code, err: err.message }, 'database connection lost; the pool opens a new one');
    }),
  );
  // The pool re-emits an idle client's error; the client's own listener has reported it already.
  pool.on('error', () => undefined);
}

/** Replaces the database name of a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The database name in a PostgreSQL URL. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Describes a URL for messages without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/**
 * Fails fast, with a message naming the server, when PostgreSQL cannot be reached at `url`
 * (or, with `database`, at another database of the same server).
 */
export async function assertReachable(url: string, what: string, database?: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('protocol');
  } catch {
    throw new StartupError(`${what}: DATABASE_URL must look like postgres://user:password@host:5432/database, got "${url}"`);
  }
  const client = new pg.Client({ connectionString: database ? withDatabase(url, database) : url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new StartupError(`${what}: cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates each database on the server of `serverUrl` unless it exists. */
export async function ensureDatabases(serverUrl: string, names: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres'), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname = any($1)', [names]);
    const existing = new Set(rows.map((r) => r.datname));
    for (const name of names) {
      if (existing.has(name)) continue;
      try {
        await client.query(`create database ${client.escapeIdentifier(name)}`);
      } catch (err) {
        // Another process created it first (42P04 duplicate_database, or 23505 on the catalog).
        const code = (err as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/** Drops databases (tests clean up after themselves). */
export async function dropDatabases(serverUrl: string, names: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const name of names) await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}

/** True when the database answers a trivial statement (readiness). */
export async function isDatabaseReady<T>(database: Database<T>): Promise<boolean> {
  try {
    await sql`select 1`.execute(database.db);
    return true;
  } catch {
    return false;
  }
}
