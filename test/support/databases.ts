import { randomBytes } from 'node:crypto';
import type { SystemName } from '../../platform/systems';
import { createDatabase, dropDatabases, ensureDatabases, withDatabase, type Database } from '../../platform/db/database';
import { migrateToLatest } from '../../platform/db/migrate';
import { silentProgress } from '../../subgraphs/kit/seed/progress';
import { scalePlan } from '../../subgraphs/kit/seed/world';
import type { SystemModule } from '../../subgraphs/kit/system';

/** The suite's PostgreSQL server (see global-setup.ts). */
export function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest, whose global setup provides PostgreSQL');
  return url;
}

export interface TestDatabase<T = any> {
  readonly name: string;
  readonly url: string;
  readonly database: Database<T>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of one system, named uniquely so test files never share one. */
export async function createTestDatabase<T>(system: SystemModule<T>, options: { seed?: boolean } = {}): Promise<TestDatabase<T>> {
  const serverUrl = testServerUrl();
  const name = `t_${randomBytes(4).toString('hex')}_${system.name}`;
  await ensureDatabases(serverUrl, [name]);
  const url = withDatabase(serverUrl, name);
  const database = createDatabase<T>(system.name, url);
  await migrateToLatest(database.db, system.migrations, system.name);
  if (options.seed) await system.seed(database.db, scalePlan(1), silentProgress);
  return {
    name,
    url,
    database,
    async drop() {
      await database.close();
      await dropDatabases(serverUrl, [name]);
    },
  };
}

export type { SystemName };
