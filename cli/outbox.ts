import path from 'node:path';
import { StartupError } from '../platform/listen';
import { isSystemName } from '../platform/systems';
import { implementedSystems } from '../subgraphs/catalog';
import { createDatabase, withDatabase, type Database } from '../platform/db/database';
import { runningEmbeddedServerUrl } from '../platform/db/embedded';
import {
  listCommands,
  retryParkedCommands,
  summarizeOutbox,
  type CommandStatusValue,
  type OutboxCommandRow,
} from '../subgraphs/kit/outbox';
import { openSystemDatabases, systemDatabaseName } from './databases';
import { loadStartConfig } from './start';
import { option as readOption } from './options';

export const OUTBOX_USAGE = `outbox status [--system S]                 commands per status in each outbox (or one), oldest pending
  outbox list --system S [--status PARKED,PENDING] [--limit 100] [--json]
  outbox retry --system S [--type T] [--target erp]   every parked command of that outbox, due now with fresh attempts
    (the database: --database-url <that system's database>, else DATABASE_URL or npm start's PostgreSQL)`;

const STATUSES: readonly CommandStatusValue[] = ['PENDING', 'DELIVERED', 'PARKED'];

const option = (args: string[], name: string) => readOption(args, name, { command: 'outbox' });

const shown = (value: string) => JSON.stringify(value.slice(0, 40));

/** The systems that keep an outbox, or the one named by `--system`. */
function outboxSystems(args: string[], required: boolean): string[] {
  const withOutbox = implementedSystems()
    .filter((s) => s.outbox)
    .map((s) => s.name as string);
  const named = option(args, '--system');
  if (named === undefined) {
    if (required) throw new StartupError(`outbox: --system is required, one of ${withOutbox.join(', ')}`);
    return withOutbox;
  }
  if (!withOutbox.includes(named)) throw new StartupError(`outbox: --system must be one of ${withOutbox.join(', ')}, got ${shown(named)}`);
  return [named];
}

/** Opens the databases of the given systems: an explicit URL, DATABASE_URL's server, npm start's PostgreSQL, or a fresh embedded one. */
async function openOutboxes(
  systems: string[],
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ databases: Map<string, Database<any>>; close(): Promise<void> }> {
  const explicit = option(args, '--database-url');
  if (explicit) {
    if (systems.length !== 1) throw new StartupError("outbox: --database-url names one system's database; give --system too");
    const database = createDatabase(systems[0]!, explicit, { maxConnections: 2 });
    return { databases: new Map([[systems[0]!, database]]), close: () => database.close() };
  }
  const config = loadStartConfig(env);
  const running = runningEmbeddedServerUrl(path.join(config.dataDir, 'pg'), config.pgPort);
  const databaseUrl = config.databaseUrl ?? (running && withDatabase(running, 'plantgraph'));
  const modules = implementedSystems().filter((s) => systems.includes(s.name));
  if (databaseUrl) {
    const databases = new Map(
      modules.map((s) => [
        s.name as string,
        createDatabase(s.name, withDatabase(databaseUrl, systemDatabaseName(databaseUrl, s.name)), { maxConnections: 2 }),
      ]),
    );
    return { databases, close: async () => void (await Promise.all([...databases.values()].map((d) => d.close()))) };
  }
  const opened = await openSystemDatabases({ dataDir: config.dataDir, pgPort: config.pgPort, systems: modules });
  return { databases: new Map(Object.entries(opened.databases).map(([name, d]) => [name, d!])), close: () => opened.close() };
}

function describe(command: OutboxCommandRow): string {
  const error = command.lastError ? command.lastError.replace(/\s+/g, ' ').slice(0, 120) : '';
  return [
    command.id,
    command.status,
    command.type,
    command.subject ?? '-',
    `attempts ${command.attempts}`,
    command.nextAttemptAt.toISOString(),
    error,
  ].join('\t');
}

/** `plantgraph outbox status|list|retry`: what waits in the systems' outboxes, and a fresh round of attempts for every parked command of one. */
export async function outbox(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const [action, ...rest] = args;
  if (action !== 'status' && action !== 'list' && action !== 'retry') {
    throw new StartupError(`outbox: expected status, list or retry, got ${shown(action ?? '')}\nusage: plantgraph ${OUTBOX_USAGE}`);
  }
  const systems = outboxSystems(rest, action !== 'status');
  const statuses = (option(rest, '--status') ?? 'PARKED').split(',').map((s) => s.trim().toUpperCase());
  const wrong = statuses.find((s) => !STATUSES.includes(s as CommandStatusValue));
  if (wrong !== undefined) throw new StartupError(`outbox: --status takes ${STATUSES.join(', ')} (comma-separated), got ${shown(wrong)}`);
  const limitRaw = option(rest, '--limit') ?? '100';
  const limit = Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new StartupError(`outbox: --limit must be a whole number from 1 to 10000, got ${shown(limitRaw)}`);
  const target = option(rest, '--target');
  if (target !== undefined && !isSystemName(target)) throw new StartupError(`outbox: --target must name a system, got ${shown(target)}`);

  const opened = await openOutboxes(systems, rest, env);
  try {
    if (action === 'status') {
      const lines: string[] = [];
      for (const [system, database] of opened.databases) {
        const { counts, oldestPending } = await summarizeOutbox(database.db);
        const oldest = oldestPending
          ? `; oldest pending since ${oldestPending.createdAt.toISOString()}, ${oldestPending.attempts} attempts${oldestPending.lastError ? `, last error: ${oldestPending.lastError.slice(0, 120)}` : ''}`
          : '';
        lines.push(`${system}: ${counts.PENDING} pending, ${counts.PARKED} parked, ${counts.DELIVERED} delivered${oldest}`);
      }
      return lines.join('\n');
    }
    const [system, database] = [...opened.databases][0]!;
    if (action === 'list') {
      const rows = await listCommands(database.db, statuses as CommandStatusValue[], limit);
      if (rest.includes('--json')) return JSON.stringify(rows, null, 2);
      return rows.length ? rows.map(describe).join('\n') : `${system}: no ${statuses.join(' or ')} commands`;
    }
    const retried = await retryParkedCommands(database.db, { type: option(rest, '--type'), targetSystem: target });
    return `${system}: ${retried.length} parked command${retried.length === 1 ? '' : 's'} due again${retried.length ? `\n${retried.map(describe).join('\n')}` : ''}`;
  } finally {
    await opened.close();
  }
}
