import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';

/** A system's migrations, keyed by name; names sort in the order they apply ("001_materials"). */
export type Migrations = Record<string, Migration>;

function migrator(db: Kysely<any>, migrations: Migrations): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function check(result: MigrationResultSet, system: string, direction: string): void {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const where = failed ? ` at ${failed.migrationName}` : '';
    throw new Error(`${system}: migration ${direction}${where} failed: ${(result.error as Error).message ?? result.error}`);
  }
}

/** Applies every pending migration, each in its own transaction. */
export async function migrateToLatest(db: Kysely<any>, migrations: Migrations, system: string): Promise<void> {
  check(await migrator(db, migrations).migrateToLatest(), system, 'up');
}

/** Reverts every applied migration, newest first. */
export async function migrateDownAll(db: Kysely<any>, migrations: Migrations, system: string): Promise<void> {
  const m = migrator(db, migrations);
  for (;;) {
    const result = await m.migrateDown();
    check(result, system, 'down');
    if (!result.results?.length) return;
  }
}
