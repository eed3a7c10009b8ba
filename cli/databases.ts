import path from 'node:path';
import type { SystemName } from '../platform/systems';
import { assertReachable, createDatabase, databaseName, ensureDatabases, withDatabase, type Database } from '../platform/db/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../platform/db/embedded';
import { migrateToLatest } from '../platform/db/migrate';
import type { SystemModule } from '../subgraphs/kit/system';

export interface DatabaseSetupOptions {
  /**
   * A PostgreSQL server and a database-name prefix: `postgres://…/plantgraph` gives the databases
   * `plantgraph_erp` … `plantgraph_audits`. When absent an embedded PostgreSQL is started.
   */
  databaseUrl?: string;
  /** Where the embedded PostgreSQL keeps its data. */
  dataDir: string;
  /** The embedded PostgreSQL's port. */
  pgPort: number;
  systems: readonly SystemModule[];
  onLog?: (line: string) => void;
}

export interface SystemDatabases {
  readonly serverUrl: string;
  readonly embedded?: EmbeddedPostgres;
  readonly databases: Partial<Record<SystemName, Database<any>>>;
  /** Each system's own database URL. */
  readonly urls: Partial<Record<SystemName, string>>;
  close(): Promise<void>;
}

/** The database of each system on one server: `<prefix>_<system>`. */
export function systemDatabaseName(serverUrl: string, system: SystemName): string {
  const prefix = databaseName(serverUrl);
  return `${prefix === 'postgres' ? 'plantgraph' : prefix}_${system}`;
}

/** Starts (or connects to) PostgreSQL, creates one database per system and migrates each. */
export async function openSystemDatabases(options: DatabaseSetupOptions): Promise<SystemDatabases> {
  let embedded: EmbeddedPostgres | undefined;
  let serverUrl = options.databaseUrl;
  if (serverUrl) {
    await assertReachable(serverUrl, 'DATABASE_URL', 'postgres');
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(options.dataDir, 'pg'), port: options.pgPort, onLog: options.onLog });
    serverUrl = withDatabase(embedded.url, 'plantgraph');
  }
  const databases: Partial<Record<SystemName, Database<any>>> = {};
  const urls: Partial<Record<SystemName, string>> = {};
  try {
    await ensureDatabases(
      serverUrl,
      options.systems.map((s) => systemDatabaseName(serverUrl!, s.name)),
    );
    for (const system of options.systems) {
      const url = withDatabase(serverUrl, systemDatabaseName(serverUrl, system.name));
      const database = createDatabase(system.name, url);
      databases[system.name] = database;
      urls[system.name] = url;
      await migrateToLatest(database.db, system.migrations, system.name);
    }
  } catch (err) {
    await Promise.all(Object.values(databases).map((d) => d!.close()));
    await embedded?.stop();
    throw err;
  }
  return {
    serverUrl,
    embedded,
    databases,
    urls,
    async close() {
      await Promise.all(Object.values(databases).map((d) => d!.close()));
      await embedded?.stop();
    },
  };
}
